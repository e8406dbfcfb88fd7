package dev.sluice.upstream.lb;

import dev.sluice.common.RandomSource;
import dev.sluice.upstream.UpstreamEndpoint;
import java.util.List;

/**
 * Least request by the power of two choices, as Envoy's default (choice_count 2): two random
 * candidates, the one with fewer active requests wins. With unequal weights the candidates are
 * drawn by weight and compared by active requests divided by weight, which keeps a heavy endpoint
 * ahead when both are equally busy.
 */
public final class LeastRequestPicker implements Picker {
  private final UpstreamEndpoint[] endpoints;
  private final long[] cumulative; // null when all weights are equal

  private LeastRequestPicker(UpstreamEndpoint[] endpoints, long[] cumulative) {
    this.endpoints = endpoints;
    this.cumulative = cumulative;
  }

  public static Picker of(List<UpstreamEndpoint> list) {
    if (list.isEmpty()) {
      return EmptyPicker.INSTANCE;
    }
    UpstreamEndpoint[] endpoints = list.toArray(new UpstreamEndpoint[0]);
    boolean equal = true;
    long[] cumulative = new long[endpoints.length];
    long sum = 0;
    for (int i = 0; i < endpoints.length; i++) {
      equal &= endpoints[i].weight() == endpoints[0].weight();
      sum += endpoints[i].weight();
      cumulative[i] = sum;
    }
    return new LeastRequestPicker(endpoints, equal ? null : cumulative);
  }

  @Override
  public UpstreamEndpoint pick(RandomSource random) {
    if (endpoints.length == 1) {
      return endpoints[0];
    }
    UpstreamEndpoint a = candidate(random);
    UpstreamEndpoint b = candidate(random);
    if (cumulative == null) {
      return b.activeRequests() < a.activeRequests() ? b : a;
    }
    // Compare active/weight without division: a.active * b.weight vs b.active * a.weight.
    long costA = (long) a.activeRequests() * b.weight();
    long costB = (long) b.activeRequests() * a.weight();
    return costB < costA ? b : a;
  }

  private UpstreamEndpoint candidate(RandomSource random) {
    if (cumulative == null) {
      return endpoints[random.nextInt(endpoints.length)];
    }
    return endpoints[WeightedIndex.find(cumulative, random)];
  }
}
