package dev.sluice.perf.load;

import java.time.Duration;
import java.util.Objects;

/**
 * One load: where to send, over how many keep-alive HTTP/1.1 connections, at what total rate
 * ({@code ratePerSecond == 0} means closed loop: each connection sends its next request as soon
 * as the previous response ends, as wrk does), for how long, and how much of the start to leave
 * out of the figures.
 *
 * @param host the IP literal to connect to (the harness only ever uses 127.0.0.1)
 * @param hostHeader the Host header sent; null means host:port
 * @param drainTimeout how long to wait after the end for responses still in flight
 */
public record LoadSpec(
    String host,
    int port,
    String path,
    String hostHeader,
    int connections,
    double ratePerSecond,
    Duration duration,
    Duration warmup,
    Duration drainTimeout) {

  public LoadSpec {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    if (connections < 1) {
      throw new IllegalArgumentException("connections must be at least 1");
    }
    if (ratePerSecond < 0) {
      throw new IllegalArgumentException("rate must not be negative");
    }
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException("duration must be positive");
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + path);
    }
  }

  public boolean openLoop() {
    return ratePerSecond > 0;
  }

  String effectiveHostHeader() {
    return hostHeader != null ? hostHeader : host + ":" + port;
  }
}
