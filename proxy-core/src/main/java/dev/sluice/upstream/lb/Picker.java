package dev.sluice.upstream.lb;

import dev.sluice.common.RandomSource;
import dev.sluice.upstream.UpstreamEndpoint;

/** Picks an endpoint for one request; immutable apart from its own pick counter. */
public interface Picker {
  /** Returns an endpoint, or null when the set is empty. */
  UpstreamEndpoint pick(RandomSource random);
}
