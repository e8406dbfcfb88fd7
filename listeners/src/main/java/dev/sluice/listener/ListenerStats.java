package dev.sluice.listener;

import dev.sluice.config.SocketAddressConfig;
import dev.sluice.stats.Counter;
import dev.sluice.stats.Gauge;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.tls.verify.PeerVerificationException;
import dev.sluice.tls.verify.PeerVerificationException.Reason;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * A listener's counters under Envoy's names, {@code listener.<address>_<port>.*}, looked up once
 * when the listener is built.
 */
final class ListenerStats {
  final Counter downstreamCxTotal;
  final Gauge downstreamCxActive;
  final Counter downstreamPreCxTimeout;
  final Counter noFilterChainMatch;
  final Counter sslHandshake;
  final Counter sslConnectionError;
  private final Map<Reason, Counter> verifyFailures = new EnumMap<>(Reason.class);

  ListenerStats(StatsRegistry stats, SocketAddressConfig address) {
    // Envoy names listener stats by address with the port after an underscore: listener.0.0.0.0_8080.
    String p = "listener." + address.host() + "_" + address.port() + ".";
    downstreamCxTotal = stats.counter(p + "downstream_cx_total");
    downstreamCxActive = stats.gauge(p + "downstream_cx_active");
    downstreamPreCxTimeout = stats.counter(p + "downstream_pre_cx_timeout");
    noFilterChainMatch = stats.counter(p + "no_filter_chain_match");
    sslHandshake = stats.counter(p + "ssl.handshake");
    sslConnectionError = stats.counter(p + "ssl.connection_error");
    for (Reason reason : Reason.values()) {
      verifyFailures.put(reason, stats.counter(p + reason.statName()));
    }
  }

  /**
   * Counts a failed handshake as Envoy does: a refused peer certificate under its
   * {@code ssl.fail_verify_*} reason, anything else as {@code ssl.connection_error} (which, per
   * Envoy's documentation, excludes failed certificate verifications).
   */
  void handshakeFailed(Throwable cause) {
    Optional<Reason> reason = PeerVerificationException.reasonOf(cause);
    if (reason.isPresent()) {
      verifyFailures.get(reason.get()).inc();
    } else {
      sslConnectionError.inc();
    }
  }
}
