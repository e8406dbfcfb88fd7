package dev.sluice.xds.resource;

import dev.sluice.config.HeaderMutations;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.RouteRuleConfig;
import dev.sluice.config.VirtualHostConfig;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Decodes one Envoy {@code RouteConfiguration} (inline in a connection manager, or an RDS resource). */
public final class RouteConfigDecoder {

  /** Envoy's default for {@code max_direct_response_body_size_bytes}. */
  static final int DEFAULT_MAX_DIRECT_RESPONSE_BODY_BYTES = 4096;

  private static final Set<String> CONFIG_FIELDS = Set.of("name", "virtual_hosts", "validate_clusters",
      "max_direct_response_body_size_bytes", "request_headers_to_add", "request_headers_to_remove",
      "response_headers_to_add", "response_headers_to_remove");
  private static final Set<String> VIRTUAL_HOST_FIELDS = Set.of("name", "domains", "routes",
      "request_headers_to_add", "request_headers_to_remove", "response_headers_to_add",
      "response_headers_to_remove");

  private RouteConfigDecoder() {}

  /**
   * Decodes an RDS resource. As in Envoy, the clusters it names are not required to exist unless
   * the resource sets {@code validate_clusters}.
   */
  public static Optional<RouteConfig> decode(RouteConfiguration config, String path, DecodeContext ctx) {
    return decode(config, path, ctx, false);
  }

  /**
   * Decodes {@code config} at {@code path}. Cluster names are recorded in {@code ctx} for a later
   * existence check when {@code validate_clusters} is true, or unset and
   * {@code validateClustersByDefault} is true — Envoy's default for a route table given inline as
   * {@code route_config}.
   *
   * @return the route configuration, or empty when an error was recorded
   */
  public static Optional<RouteConfig> decode(
      RouteConfiguration config, String path, DecodeContext ctx, boolean validateClustersByDefault) {
    int before = ctx.errorCount();
    FieldRules.check(config, path, ctx, CONFIG_FIELDS);
    boolean validateClusters =
        config.hasValidateClusters() ? config.getValidateClusters().getValue() : validateClustersByDefault;
    RouteRuleDecoder.ClusterSink clusters = validateClusters ? ctx::referenceCluster : (p, c) -> { };
    int maxBodyBytes = ProtoValues.uint32(config.hasMaxDirectResponseBodySizeBytes(),
        config.getMaxDirectResponseBodySizeBytes(), DEFAULT_MAX_DIRECT_RESPONSE_BODY_BYTES,
        FieldPath.child(path, "max_direct_response_body_size_bytes"), ctx);

    List<VirtualHostConfig> virtualHosts = new ArrayList<>();
    Map<String, String> domainOwners = new HashMap<>();
    for (int i = 0; i < config.getVirtualHostsCount(); i++) {
      VirtualHostConfig vh = virtualHost(config.getVirtualHosts(i), FieldPath.element(path, "virtual_hosts", i),
          domainOwners, clusters, maxBodyBytes, ctx);
      if (vh != null) {
        virtualHosts.add(vh);
      }
    }
    HeaderMutations headers = HeaderMutationDecoder.decode(config.getRequestHeadersToAddList(),
        config.getRequestHeadersToRemoveList(), config.getResponseHeadersToAddList(),
        config.getResponseHeadersToRemoveList(), path, ctx);
    if (ctx.errorCount() != before) {
      return Optional.empty();
    }
    try {
      return Optional.of(new RouteConfig(config.getName(), virtualHosts, headers));
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return Optional.empty();
    }
  }

  private static VirtualHostConfig virtualHost(VirtualHost vh, String path, Map<String, String> domainOwners,
      RouteRuleDecoder.ClusterSink clusters, int maxBodyBytes, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(vh, path, ctx, VIRTUAL_HOST_FIELDS);
    if (vh.getName().isEmpty()) {
      ctx.error(FieldPath.child(path, "name"), "a virtual host needs a name");
    }
    if (vh.getDomainsCount() == 0) {
      ctx.error(FieldPath.child(path, "domains"), "a virtual host needs at least one domain");
    }
    for (int i = 0; i < vh.getDomainsCount(); i++) {
      String domain = vh.getDomains(i);
      String domainPath = FieldPath.element(path, "domains", i);
      if (domain.isEmpty()) {
        ctx.error(domainPath, "must not be empty");
        continue;
      }
      // Envoy's RouteMatcher refuses a domain that two virtual hosts (or one, twice) claim:
      // which host wins would otherwise depend on order.
      String previous = domainOwners.putIfAbsent(domain.toLowerCase(Locale.ROOT), domainPath);
      if (previous != null) {
        ctx.error(domainPath, "duplicate domain '" + domain + "' (already at " + previous
            + "); only unique values for domains are permitted");
      }
    }
    List<RouteRuleConfig> routes = new ArrayList<>();
    for (int i = 0; i < vh.getRoutesCount(); i++) {
      RouteRuleConfig route = RouteRuleDecoder.decode(vh.getRoutes(i), FieldPath.element(path, "routes", i),
          clusters, maxBodyBytes, ctx);
      if (route != null) {
        routes.add(route);
      }
    }
    HeaderMutations headers = HeaderMutationDecoder.decode(vh.getRequestHeadersToAddList(),
        vh.getRequestHeadersToRemoveList(), vh.getResponseHeadersToAddList(), vh.getResponseHeadersToRemoveList(),
        path, ctx);
    if (ctx.errorCount() != before) {
      return null;
    }
    try {
      return new VirtualHostConfig(vh.getName(), vh.getDomainsList(), routes, headers);
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return null;
    }
  }
}
