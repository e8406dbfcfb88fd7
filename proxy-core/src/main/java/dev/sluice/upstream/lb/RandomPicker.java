package dev.sluice.upstream.lb;

import dev.sluice.common.RandomSource;
import dev.sluice.upstream.UpstreamEndpoint;
import java.util.List;

/** Weighted random: a binary search of cumulative weights. */
public final class RandomPicker implements Picker {
  private final UpstreamEndpoint[] endpoints;
  private final long[] cumulative;

  private RandomPicker(UpstreamEndpoint[] endpoints, long[] cumulative) {
    this.endpoints = endpoints;
    this.cumulative = cumulative;
  }

  public static Picker of(List<UpstreamEndpoint> list) {
    if (list.isEmpty()) {
      return EmptyPicker.INSTANCE;
    }
    UpstreamEndpoint[] endpoints = list.toArray(new UpstreamEndpoint[0]);
    long[] cumulative = new long[endpoints.length];
    long sum = 0;
    for (int i = 0; i < endpoints.length; i++) {
      sum += endpoints[i].weight();
      cumulative[i] = sum;
    }
    return new RandomPicker(endpoints, cumulative);
  }

  @Override
  public UpstreamEndpoint pick(RandomSource random) {
    return endpoints[WeightedIndex.find(cumulative, random)];
  }
}
