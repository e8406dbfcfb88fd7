package dev.sluice.upstream;

import dev.sluice.stats.Counter;
import dev.sluice.stats.Gauge;
import dev.sluice.stats.StatsRegistry;

/** A cluster's counters under Envoy's names ({@code cluster.<name>.upstream_cx_total}, ...). */
public final class ClusterStats {
  public final Counter upstreamCxTotal;
  public final Gauge upstreamCxActive;
  public final Counter upstreamCxConnectFail;
  public final Counter upstreamCxConnectTimeout;
  public final Counter upstreamCxDestroyRemote;
  public final Counter upstreamRqTotal;
  public final Counter upstreamRqTimeout;
  public final Counter upstreamRqPerTryTimeout;
  public final Counter upstreamRq2xx;
  public final Counter upstreamRq3xx;
  public final Counter upstreamRq4xx;
  public final Counter upstreamRq5xx;
  public final Counter upstreamRqRxReset;
  public final Counter upstreamCxNone;
  public final Counter updateSuccess;
  public final Counter updateFailure;
  public final Gauge membershipTotal;
  private final StatsRegistry registry;
  private final String prefix;
  // TLS counters exist only for clusters that use TLS, as in Envoy; the race on first use is
  // benign because the registry returns one counter per name.
  private volatile Counter sslHandshake;

  ClusterStats(StatsRegistry stats, String cluster) {
    String p = "cluster." + cluster + ".";
    registry = stats;
    prefix = p;
    upstreamCxTotal = stats.counter(p + "upstream_cx_total");
    upstreamCxActive = stats.gauge(p + "upstream_cx_active");
    upstreamCxConnectFail = stats.counter(p + "upstream_cx_connect_fail");
    upstreamCxConnectTimeout = stats.counter(p + "upstream_cx_connect_timeout");
    upstreamCxDestroyRemote = stats.counter(p + "upstream_cx_destroy_remote");
    upstreamRqTotal = stats.counter(p + "upstream_rq_total");
    upstreamRqTimeout = stats.counter(p + "upstream_rq_timeout");
    upstreamRqPerTryTimeout = stats.counter(p + "upstream_rq_per_try_timeout");
    upstreamRq2xx = stats.counter(p + "upstream_rq_2xx");
    upstreamRq3xx = stats.counter(p + "upstream_rq_3xx");
    upstreamRq4xx = stats.counter(p + "upstream_rq_4xx");
    upstreamRq5xx = stats.counter(p + "upstream_rq_5xx");
    upstreamRqRxReset = stats.counter(p + "upstream_rq_rx_reset");
    upstreamCxNone = stats.counter(p + "upstream_cx_none_healthy");
    updateSuccess = stats.counter(p + "update_success");
    updateFailure = stats.counter(p + "update_failure");
    membershipTotal = stats.gauge(p + "membership_total");
  }

  /** {@code cluster.<name>.ssl.handshake}: upstream TLS handshakes that succeeded. */
  public Counter sslHandshake() {
    Counter c = sslHandshake;
    if (c == null) {
      c = registry.counter(prefix + "ssl.handshake");
      sslHandshake = c;
    }
    return c;
  }

  /**
   * The counter {@code cluster.<name>.<stat>} for a failed handshake, {@code stat} being what
   * {@link UpstreamTls#failureStat} answered ({@code ssl.fail_verify_san}, ...). Looked up per
   * failure: failures are rare and the names come from the TLS side.
   */
  public Counter sslFailure(String stat) {
    return registry.counter(prefix + stat);
  }

  /** Counts a response status in its class. */
  public void responseStatus(int status) {
    if (status < 300) {
      upstreamRq2xx.inc();
    } else if (status < 400) {
      upstreamRq3xx.inc();
    } else if (status < 500) {
      upstreamRq4xx.inc();
    } else {
      upstreamRq5xx.inc();
    }
  }
}
