package dev.sluice.listener.http;

import dev.sluice.stats.Counter;
import dev.sluice.stats.Gauge;
import dev.sluice.stats.StatsRegistry;

/** The connection manager's counters under Envoy's names, {@code http.<stat_prefix>.*}. */
public final class HttpConnectionManagerStats {
  final Counter downstreamCxTotal;
  final Gauge downstreamCxActive;
  final Counter downstreamCxHttp1Total;
  final Counter downstreamCxHttp2Total;
  final Counter downstreamCxDestroyRemote;
  final Counter downstreamCxIdleTimeout;
  final Counter downstreamCxDrainClose;
  final Counter downstreamRqTotal;
  final Gauge downstreamRqActive;
  final Counter downstreamRqHttp1Total;
  final Counter downstreamRqHttp2Total;
  final Counter downstreamRq1xx;
  final Counter downstreamRq2xx;
  final Counter downstreamRq3xx;
  final Counter downstreamRq4xx;
  final Counter downstreamRq5xx;
  final Counter downstreamRqTimeout;
  final Counter downstreamRqRxReset;
  final Counter downstreamRqTooLarge;
  final Counter downstreamRqHeaderTooLarge;
  final Counter downstreamRqBadRequest;
  final Counter noRoute;
  final Counter noCluster;
  final Counter noHealthyUpstream;
  final Counter upstreamConnectFailure;
  final Counter upstreamTimeout;
  final Counter upstreamReset;
  final Counter directResponse;
  final Counter redirect;

  public HttpConnectionManagerStats(StatsRegistry stats, String statPrefix) {
    String p = "http." + statPrefix + ".";
    downstreamCxTotal = stats.counter(p + "downstream_cx_total");
    downstreamCxActive = stats.gauge(p + "downstream_cx_active");
    downstreamCxHttp1Total = stats.counter(p + "downstream_cx_http1_total");
    downstreamCxHttp2Total = stats.counter(p + "downstream_cx_http2_total");
    downstreamCxDestroyRemote = stats.counter(p + "downstream_cx_destroy_remote_active_rq");
    downstreamCxIdleTimeout = stats.counter(p + "downstream_cx_idle_timeout");
    downstreamCxDrainClose = stats.counter(p + "downstream_cx_drain_close");
    downstreamRqTotal = stats.counter(p + "downstream_rq_total");
    downstreamRqActive = stats.gauge(p + "downstream_rq_active");
    downstreamRqHttp1Total = stats.counter(p + "downstream_rq_http1_total");
    downstreamRqHttp2Total = stats.counter(p + "downstream_rq_http2_total");
    downstreamRq1xx = stats.counter(p + "downstream_rq_1xx");
    downstreamRq2xx = stats.counter(p + "downstream_rq_2xx");
    downstreamRq3xx = stats.counter(p + "downstream_rq_3xx");
    downstreamRq4xx = stats.counter(p + "downstream_rq_4xx");
    downstreamRq5xx = stats.counter(p + "downstream_rq_5xx");
    downstreamRqTimeout = stats.counter(p + "downstream_rq_timeout");
    downstreamRqRxReset = stats.counter(p + "downstream_rq_rx_reset");
    downstreamRqTooLarge = stats.counter(p + "downstream_rq_too_large");
    downstreamRqHeaderTooLarge = stats.counter(p + "downstream_rq_header_too_large");
    downstreamRqBadRequest = stats.counter(p + "downstream_rq_bad_request");
    noRoute = stats.counter(p + "no_route");
    noCluster = stats.counter(p + "no_cluster");
    noHealthyUpstream = stats.counter(p + "no_healthy_upstream");
    upstreamConnectFailure = stats.counter(p + "upstream_connect_failure");
    upstreamTimeout = stats.counter(p + "upstream_rq_timeout");
    upstreamReset = stats.counter(p + "upstream_reset_before_response");
    directResponse = stats.counter(p + "rq_direct_response");
    redirect = stats.counter(p + "rq_redirect");
  }

  void responseStatus(int status) {
    if (status < 200) {
      downstreamRq1xx.inc();
    } else if (status < 300) {
      downstreamRq2xx.inc();
    } else if (status < 400) {
      downstreamRq3xx.inc();
    } else if (status < 500) {
      downstreamRq4xx.inc();
    } else {
      downstreamRq5xx.inc();
    }
  }
}
