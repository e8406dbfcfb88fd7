package dev.sluice.conformance.support;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling it. Counters the proxy updates on its event loops may trail
 * the response a client already holds; tests wait for them rather than sleeping.
 */
public final class Await {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

  private Await() {}

  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT_TIMEOUT, condition, () -> "");
  }

  /** Fails with {@code what} and the current {@code state} if the condition stays false. */
  public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + " " + state.get());
      }
      LockSupport.parkNanos(POLL_NANOS);
      if (Thread.interrupted()) {
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
  }
}
