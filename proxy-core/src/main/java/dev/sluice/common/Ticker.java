package dev.sluice.common;

/** A source of monotonic nanoseconds and wall-clock milliseconds, injected so tests can fake time. */
public interface Ticker {
  Ticker SYSTEM = new Ticker() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
      return System.currentTimeMillis();
    }
  };

  long nanoTime();

  long currentTimeMillis();
}
