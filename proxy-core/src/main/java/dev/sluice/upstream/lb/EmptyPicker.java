package dev.sluice.upstream.lb;

import dev.sluice.common.RandomSource;
import dev.sluice.upstream.UpstreamEndpoint;

/** The picker of a cluster with no endpoints: every pick fails. */
final class EmptyPicker implements Picker {
  static final EmptyPicker INSTANCE = new EmptyPicker();

  private EmptyPicker() {}

  @Override
  public UpstreamEndpoint pick(RandomSource random) {
    return null;
  }
}
