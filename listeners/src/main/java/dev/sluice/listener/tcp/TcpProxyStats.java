package dev.sluice.listener.tcp;

import dev.sluice.stats.Counter;
import dev.sluice.stats.StatsRegistry;

/** The TCP proxy's counters under Envoy's names, {@code tcp.<stat_prefix>.*}. */
final class TcpProxyStats {
  final Counter downstreamCxTotal;
  final Counter downstreamCxNoRoute;
  final Counter downstreamCxRxBytesTotal;
  final Counter downstreamCxTxBytesTotal;
  final Counter downstreamFlowControlPausedReadingTotal;
  final Counter downstreamFlowControlResumedReadingTotal;
  final Counter idleTimeout;

  TcpProxyStats(StatsRegistry stats, String statPrefix) {
    String p = "tcp." + statPrefix + ".";
    downstreamCxTotal = stats.counter(p + "downstream_cx_total");
    downstreamCxNoRoute = stats.counter(p + "downstream_cx_no_route");
    downstreamCxRxBytesTotal = stats.counter(p + "downstream_cx_rx_bytes_total");
    downstreamCxTxBytesTotal = stats.counter(p + "downstream_cx_tx_bytes_total");
    downstreamFlowControlPausedReadingTotal = stats.counter(p + "downstream_flow_control_paused_reading_total");
    downstreamFlowControlResumedReadingTotal = stats.counter(p + "downstream_flow_control_resumed_reading_total");
    idleTimeout = stats.counter(p + "idle_timeout");
  }
}
