package dev.sluice.xds.resource;

import java.util.Map;

/**
 * The only fields that Sluice accepts without acting on them. Every other field it does not
 * implement is rejected when set, because silently ignoring configuration makes the proxy do
 * something its operator did not ask for.
 *
 * <p>A field belongs here only when ignoring it cannot change which requests are accepted, how
 * they are routed, or what is sent upstream or back to the client. Each set occurrence is logged
 * once at WARN by whoever owns the decoding pass, with the reason below.
 */
final class ToleratedFields {

  private static final String INERT_METADATA =
      "metadata is read only by extensions (filters, subset load balancing, transport socket"
          + " matching) that Sluice rejects, so it has no effect";
  private static final String NODE_IDENTITY =
      "only reported to an xDS management server; static resources never read it";

  // Keyed by "<proto message full name>.<field name>".
  private static final Map<String, String> REASONS = Map.ofEntries(
      // Bootstrap: process-level tuning of Envoy's own C++ runtime and stats export.
      Map.entry("envoy.config.bootstrap.v3.Bootstrap.layered_runtime",
          "Envoy runtime layers tune Envoy's own feature flags; Sluice has no runtime and uses its defaults"),
      Map.entry("envoy.config.bootstrap.v3.Bootstrap.stats_config",
          "tag extraction and stat inclusion rules only shape exported stat names"),
      Map.entry("envoy.config.bootstrap.v3.Bootstrap.stats_flush_interval",
          "only paces stats sinks, and stats_sinks are not supported"),
      Map.entry("envoy.config.bootstrap.v3.Bootstrap.stats_flush_on_admin",
          "only paces stats sinks, and stats_sinks are not supported"),
      Map.entry("envoy.config.bootstrap.v3.Bootstrap.watchdog",
          "deadlock detection for Envoy's own threads; no effect on traffic"),
      Map.entry("envoy.config.bootstrap.v3.Bootstrap.watchdogs",
          "deadlock detection for Envoy's own threads; no effect on traffic"),
      // Admin: where Envoy writes its own admin request log and CPU profiles.
      Map.entry("envoy.config.bootstrap.v3.Admin.access_log",
          "the admin interface's own request log; no effect on proxied traffic"),
      Map.entry("envoy.config.bootstrap.v3.Admin.access_log_path",
          "the admin interface's own request log; no effect on proxied traffic"),
      Map.entry("envoy.config.bootstrap.v3.Admin.profile_path",
          "output path of Envoy's gperftools CPU profiler, which Sluice does not have"),
      // Node identity beyond id/cluster/metadata.
      Map.entry("envoy.config.core.v3.Node.locality", NODE_IDENTITY),
      Map.entry("envoy.config.core.v3.Node.user_agent_name", NODE_IDENTITY),
      Map.entry("envoy.config.core.v3.Node.user_agent_version", NODE_IDENTITY),
      Map.entry("envoy.config.core.v3.Node.user_agent_build_version", NODE_IDENTITY),
      Map.entry("envoy.config.core.v3.Node.extensions", NODE_IDENTITY),
      Map.entry("envoy.config.core.v3.Node.client_features", NODE_IDENTITY),
      // Soft flow-control watermarks: Sluice always applies its own bounded backpressure.
      Map.entry("envoy.config.listener.v3.Listener.per_connection_buffer_limit_bytes",
          "a soft buffer watermark; Sluice applies its own bounded backpressure"),
      Map.entry("envoy.config.cluster.v3.Cluster.per_connection_buffer_limit_bytes",
          "a soft buffer watermark; Sluice applies its own bounded backpressure"),
      // DNS tuning of STRICT_DNS clusters.
      Map.entry("envoy.config.cluster.v3.Cluster.respect_dns_ttl",
          "Sluice re-resolves every dns_refresh_rate regardless of record TTLs"),
      // Deprecated fields that current Envoy itself ignores.
      Map.entry("envoy.config.route.v3.WeightedCluster.total_weight",
          "deprecated; current Envoy ignores it and uses the sum of the weights, as Sluice does"),
      Map.entry("envoy.type.matcher.v3.RegexMatcher.google_re2",
          "deprecated; RE2 is the only engine and its program-size limit has no RE2J equivalent"),
      // Opaque metadata.
      Map.entry("envoy.config.listener.v3.Listener.metadata", INERT_METADATA),
      Map.entry("envoy.config.listener.v3.FilterChain.metadata", INERT_METADATA),
      Map.entry("envoy.config.route.v3.RouteConfiguration.metadata", INERT_METADATA),
      Map.entry("envoy.config.route.v3.VirtualHost.metadata", INERT_METADATA),
      Map.entry("envoy.config.route.v3.Route.metadata", INERT_METADATA),
      Map.entry("envoy.config.cluster.v3.Cluster.metadata", INERT_METADATA),
      Map.entry("envoy.config.endpoint.v3.LocalityLbEndpoints.metadata", INERT_METADATA),
      Map.entry("envoy.config.endpoint.v3.LbEndpoint.metadata", INERT_METADATA),
      // Locality labels only matter to zone-aware and locality-weighted balancing, which need
      // cluster_manager.local_cluster_name or common_lb_config, both rejected.
      Map.entry("envoy.config.endpoint.v3.LocalityLbEndpoints.locality",
          "locality labels only feed zone-aware and locality-weighted balancing, which are not enabled"));

  private ToleratedFields() {}

  /** Why the field may be ignored, or null when it may not. */
  static String reason(String messageFullName, String fieldName) {
    return REASONS.get(messageFullName + "." + fieldName);
  }

  /** Every tolerated field as {@code message.field}, for documentation and tests. */
  static java.util.Set<String> all() {
    return REASONS.keySet();
  }
}
