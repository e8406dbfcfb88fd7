package dev.sluice.xds;

import dev.sluice.stats.Gauge;
import dev.sluice.stats.StatsRegistry;

/**
 * The client's stats under Envoy's names: {@code control_plane.connected_state}, and the xDS
 * subscription stats ({@code update_attempt}, {@code update_success}, {@code update_rejected},
 * {@code update_failure}, {@code init_fetch_timeout}, {@code update_time} as epoch milliseconds)
 * in each subscription's own scope — {@code listener_manager.lds}, {@code cluster_manager.cds},
 * {@code http.<stat_prefix>.rds.<route_config>}, {@code cluster.<cluster>} for EDS,
 * {@code sds.<secret>}. Plus {@code xds.config_cache.*} for the config cache, which Envoy lacks.
 */
final class XdsStats {
  static final String LDS = "listener_manager.lds";
  static final String CDS = "cluster_manager.cds";

  private final StatsRegistry registry;
  private final Gauge connectedState;
  private final Gauge servingFromCache;

  XdsStats(StatsRegistry registry) {
    this.registry = registry;
    this.connectedState = registry.gauge("control_plane.connected_state");
    this.servingFromCache = registry.gauge("xds.config_cache.serving");
  }

  static String rdsScope(String statPrefix, String routeConfigName) {
    return "http." + statPrefix + ".rds." + routeConfigName;
  }

  static String clusterScope(String clusterName) {
    return "cluster." + clusterName;
  }

  static String sdsScope(String secretName) {
    return "sds." + secretName;
  }

  void connected(boolean connected) {
    connectedState.set(connected ? 1 : 0);
  }

  void servingFromCache(boolean serving) {
    servingFromCache.set(serving ? 1 : 0);
  }

  void attempt(String scope) {
    registry.counter(scope + ".update_attempt").inc();
  }

  void success(String scope, long nowMillis) {
    registry.counter(scope + ".update_success").inc();
    registry.gauge(scope + ".update_time").set(nowMillis);
  }

  void rejected(String scope) {
    registry.counter(scope + ".update_rejected").inc();
  }

  void failure(String scope) {
    registry.counter(scope + ".update_failure").inc();
  }

  void initFetchTimeout(String scope) {
    registry.counter(scope + ".init_fetch_timeout").inc();
  }

  /** An EDS update left out endpoints of priorities other than 0 (gauge: how many, now). */
  void ignoredPriorityEndpoints(String clusterName, int count) {
    registry.gauge(clusterScope(clusterName) + ".eds_ignored_priority_endpoints").set(count);
  }

  void cacheWrite(boolean ok) {
    registry.counter(ok ? "xds.config_cache.write_success" : "xds.config_cache.write_failure").inc();
  }
}
