package dev.sluice.upstream.lb;

import dev.sluice.common.RandomSource;

/** Weighted choice over cumulative weights. */
final class WeightedIndex {
  private WeightedIndex() {}

  /** The index whose weight range holds a uniform random value below the total. */
  static int find(long[] cumulative, RandomSource random) {
    long total = cumulative[cumulative.length - 1];
    long target = total <= Integer.MAX_VALUE
        ? random.nextInt((int) total)
        : Long.remainderUnsigned(random.nextLong(), total);
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
