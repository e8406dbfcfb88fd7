package dev.sluice.xds;

import dev.sluice.common.RandomSource;
import java.time.Duration;

/**
 * Reconnect delays: the interval doubles from the base up to the cap, and each delay is drawn
 * from the upper half of the interval, so clients that lost one server do not return in step.
 * Envoy's defaults are a 500 ms base and a 30 s cap (GrpcService retry_policy).
 */
final class ExponentialBackoff {
  private final long baseMillis;
  private final long maxMillis;
  private final RandomSource random;
  private int attempts;

  ExponentialBackoff(Duration base, Duration max, RandomSource random) {
    this.baseMillis = Math.max(1, base.toMillis());
    this.maxMillis = Math.max(baseMillis, max.toMillis());
    this.random = random;
  }

  long nextDelayMillis() {
    long interval = attempts >= 62 || baseMillis << attempts > maxMillis || baseMillis << attempts <= 0
        ? maxMillis
        : baseMillis << attempts;
    attempts++;
    long half = interval / 2;
    return interval - half + Math.floorMod(random.nextLong(), half + 1);
  }

  void reset() {
    attempts = 0;
  }
}
