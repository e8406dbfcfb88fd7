package dev.sluice.common;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/** A source of random numbers, injected so tests can be seeded. */
public interface RandomSource {
  /** Thread-local randomness: no contention between event loops. */
  RandomSource THREAD_LOCAL = new RandomSource() {
    @Override
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public int nextInt(int bound) {
      return ThreadLocalRandom.current().nextInt(bound);
    }
  };

  long nextLong();

  /** A uniformly distributed value in {@code [0, bound)}. */
  int nextInt(int bound);

  /** A deterministic source for tests; not thread safe. */
  static RandomSource seeded(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return new RandomSource() {
      @Override
      public long nextLong() {
        return random.nextLong();
      }

      @Override
      public int nextInt(int bound) {
        return random.nextInt(bound);
      }
    };
  }
}
