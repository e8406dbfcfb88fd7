package dev.sluice.xds;

import java.util.Optional;

/**
 * The resource types the client subscribes to, declared in the order Envoy sends its first
 * requests and servers should answer them: clusters, their endpoints, listeners, their routes
 * (xds_protocol, "Eventual consistency considerations": make before break), then secrets.
 */
enum ResourceKind {
  CLUSTER("cds", "Cluster", "type.googleapis.com/envoy.config.cluster.v3.Cluster", true),
  ENDPOINTS("eds", "ClusterLoadAssignment", "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
      false),
  LISTENER("lds", "Listener", "type.googleapis.com/envoy.config.listener.v3.Listener", true),
  ROUTE_CONFIG("rds", "RouteConfiguration", "type.googleapis.com/envoy.config.route.v3.RouteConfiguration", false),
  SECRET("sds", "Secret", "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret", false);

  final String shortName;
  final String label;
  final String typeUrl;
  /**
   * Listeners and clusters are fetched by wildcard and sent whole in state of the world, so absence
   * from a response deletes; the others are named, and absence means nothing (xds_protocol,
   * "Grouping Resources into Responses", "Deleting Resources").
   */
  final boolean wildcard;

  ResourceKind(String shortName, String label, String typeUrl, boolean wildcard) {
    this.shortName = shortName;
    this.label = label;
    this.typeUrl = typeUrl;
    this.wildcard = wildcard;
  }

  static Optional<ResourceKind> ofTypeUrl(String typeUrl) {
    for (ResourceKind k : values()) {
      if (k.typeUrl.equals(typeUrl)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
