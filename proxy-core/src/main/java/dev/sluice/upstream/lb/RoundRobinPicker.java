package dev.sluice.upstream.lb;

import dev.sluice.common.RandomSource;
import dev.sluice.upstream.UpstreamEndpoint;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Weighted round robin. The schedule is precomputed with smooth weighted round robin so that a
 * heavy endpoint's turns are spread out rather than bunched (weights 5:1 give a a a b a a, not
 * a a a a a b); a pick is then one counter increment and an array read. Schedules longer than
 * {@link #MAX_SCHEDULE} are scaled down, keeping the proportions within a fraction of a percent.
 */
public final class RoundRobinPicker implements Picker {
  static final int MAX_SCHEDULE = 4096;

  private final UpstreamEndpoint[] schedule;
  private final AtomicLong next;

  private RoundRobinPicker(UpstreamEndpoint[] schedule, long start) {
    this.schedule = schedule;
    this.next = new AtomicLong(start);
  }

  public static Picker of(List<UpstreamEndpoint> endpoints) {
    if (endpoints.isEmpty()) {
      return EmptyPicker.INSTANCE;
    }
    int n = endpoints.size();
    long total = 0;
    boolean equal = true;
    for (UpstreamEndpoint e : endpoints) {
      total += e.weight();
      equal &= e.weight() == endpoints.get(0).weight();
    }
    int[] weights = new int[n];
    if (equal) {
      java.util.Arrays.fill(weights, 1);
      total = n;
    } else {
      double scale = total > MAX_SCHEDULE ? (double) MAX_SCHEDULE / total : 1.0;
      total = 0;
      for (int i = 0; i < n; i++) {
        weights[i] = Math.max(1, (int) Math.round(endpoints.get(i).weight() * scale));
        total += weights[i];
      }
    }
    UpstreamEndpoint[] schedule = new UpstreamEndpoint[(int) total];
    long[] current = new long[n];
    for (int slot = 0; slot < schedule.length; slot++) {
      int best = 0;
      for (int i = 0; i < n; i++) {
        current[i] += weights[i];
        if (current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      schedule[slot] = endpoints.get(best);
    }
    // Start at a random slot so that several proxies do not send their first requests in lockstep.
    return new RoundRobinPicker(schedule, java.util.concurrent.ThreadLocalRandom.current().nextInt(schedule.length));
  }

  @Override
  public UpstreamEndpoint pick(RandomSource random) {
    long slot = next.getAndIncrement();
    return schedule[(int) Long.remainderUnsigned(slot, schedule.length)];
  }
}
