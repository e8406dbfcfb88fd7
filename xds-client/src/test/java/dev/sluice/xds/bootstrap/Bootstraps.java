package dev.sluice.xds.bootstrap;

import java.util.List;

/** Small YAML bootstraps for tests, assembled from pieces written at column 0. */
final class Bootstraps {
  static final String DEFAULT_ROUTES = """
      - match: {prefix: /}
        route: {cluster: backend}
      """;

  private Bootstraps() {}

  /** One listener on port 10000 routing everything to one STATIC cluster. */
  static String minimal() {
    return withRoute(DEFAULT_ROUTES);
  }

  /** The minimal bootstrap with {@code routes} (a YAML list) in its only virtual host. */
  static String withRoute(String routes) {
    return file(List.of(listener("listener_0", 10000, routes)), List.of(cluster("backend", "127.0.0.1")));
  }

  /** A listener item whose connection manager has one virtual host with {@code routes}. */
  static String listener(String name, int port, String routes) {
    return listenerWithHcm(name, port, """
        stat_prefix: ingress_http
        route_config:
          virtual_hosts:
          - name: backend
            domains: ["*"]
            routes:
        %s
        http_filters:
        - name: envoy.filters.http.router
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        """.formatted(routes.stripTrailing().indent(4).stripTrailing()));
  }

  /** A listener item whose connection manager fields are {@code hcmFields} (YAML at column 0). */
  static String listenerWithHcm(String name, int port, String hcmFields) {
    return """
        - name: %s
          address:
            socket_address: {address: 0.0.0.0, port_value: %d}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
        %s
        """.formatted(name, port, hcmFields.stripTrailing().indent(8).stripTrailing());
  }

  /** A STATIC cluster item with one endpoint on port 9000. */
  static String cluster(String name, String address) {
    return """
        - name: %s
          load_assignment:
            cluster_name: %s
            endpoints:
            - lb_endpoints:
              - endpoint:
                  address:
                    socket_address: {address: "%s", port_value: 9000}
        """.formatted(name, name, address);
  }

  /** A bootstrap whose static_resources hold the given listener and cluster items. */
  static String file(List<String> listeners, List<String> clusters) {
    StringBuilder sb = new StringBuilder("static_resources:\n");
    sb.append("  listeners:\n");
    listeners.forEach(l -> sb.append(l.stripTrailing().indent(2)));
    sb.append("  clusters:\n");
    clusters.forEach(c -> sb.append(c.stripTrailing().indent(2)));
    return sb.toString();
  }
}
