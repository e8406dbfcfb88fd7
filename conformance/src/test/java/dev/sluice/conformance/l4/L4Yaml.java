package dev.sluice.conformance.l4;

/**
 * Pieces of an Envoy v3 bootstrap for the L4 tests, each one YAML line in flow style so that it
 * can be dropped into a block list at any indentation.
 */
final class L4Yaml {
  static final String TCP_PROXY_TYPE = "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";
  static final String TLS_INSPECTOR_TYPE =
      "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector";
  static final String ADMIN = "admin:\n  address: { socket_address: { address: 127.0.0.1, port_value: 0 } }\n";

  private L4Yaml() {}

  /** A STATIC cluster with one 127.0.0.1 endpoint per port; none gives a cluster without endpoints. */
  static String cluster(String name, int... ports) {
    StringBuilder endpoints = new StringBuilder();
    for (int port : ports) {
      if (!endpoints.isEmpty()) {
        endpoints.append(", ");
      }
      endpoints.append("{ endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ")
          .append(port).append(" } } } }");
    }
    String lbEndpoints = ports.length == 0 ? "[]" : "[ { lb_endpoints: [ " + endpoints + " ] } ]";
    return "- { name: " + name + ", type: STATIC, connect_timeout: 1s, load_assignment: { cluster_name: " + name
        + ", endpoints: " + lbEndpoints + " } }";
  }

  /** A tcp_proxy network filter to one cluster, as a list item. */
  static String tcpProxy(String statPrefix, String cluster) {
    return tcpProxyWith("stat_prefix: " + statPrefix + ", cluster: " + cluster);
  }

  /** A tcp_proxy network filter with the given TcpProxy fields (flow style, without braces), as a list item. */
  static String tcpProxyWith(String fields) {
    return "- { name: envoy.filters.network.tcp_proxy, typed_config: { \"@type\": " + TCP_PROXY_TYPE + ", " + fields
        + " } }";
  }

  /** Every line of {@code block} indented by {@code spaces}. */
  static String indent(String block, int spaces) {
    String pad = " ".repeat(spaces);
    StringBuilder out = new StringBuilder(block.length() + 64);
    for (String line : block.stripTrailing().split("\n")) {
      out.append(line.isBlank() ? "" : pad + line).append('\n');
    }
    return out.toString();
  }
}
