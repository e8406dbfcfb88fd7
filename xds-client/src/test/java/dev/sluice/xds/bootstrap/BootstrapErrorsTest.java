package dev.sluice.xds.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapErrorsTest {
  private static final String HCM_PATH = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config";
  private static final String ROUTES_PATH = HCM_PATH + ".route_config.virtual_hosts[0].routes";
  private static final String ROUTER = """
      http_filters:
      - name: envoy.filters.http.router
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
      """;

  static List<String> errors(String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> BootstrapLoader.parse(yaml, "test.yaml"));
    assertThat(e.getMessage()).isEqualTo(String.join("\n", e.errors()));
    return e.errors();
  }

  static int lineOf(String text, String needle) {
    int at = text.indexOf(needle);
    assertThat(at).as("'%s' in the test text", needle).isNotNegative();
    return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
  }

  static int columnOf(String text, String needle) {
    int at = text.indexOf(needle);
    assertThat(at).as("'%s' in the test text", needle).isNotNegative();
    return at - text.lastIndexOf('\n', at);
  }

  /** {@code block} re-indented to start at column {@code indent}, to splice into a bootstrap. */
  static String at(int indent, String block) {
    return block.stripIndent().indent(indent);
  }

  static String withClusters(String... clusters) {
    return Bootstraps.file(List.of(Bootstraps.listener("listener_0", 10000, Bootstraps.DEFAULT_ROUTES)),
        List.of(clusters));
  }

  // ---- syntax and schema -----------------------------------------------------------------------

  @Test
  void malformedYamlNamesLineAndColumn() {
    String yaml = """
        node:
          id: a
           cluster: b
        """;
    assertThat(errors(yaml)).singleElement().asString()
        .startsWith("test.yaml: malformed YAML at line 3, column 11: mapping values are not allowed here");
  }

  @Test
  void malformedJsonNamesLine() {
    assertThat(errors("{\n  \"node\": {\"id\": \"a\"\n}\n")).singleElement().asString()
        .startsWith("test.yaml: malformed JSON at line 4, column 1: expected ',' or '}'");
  }

  @Test
  void duplicateKeysAreErrors() {
    assertThat(errors("node:\n  id: a\n  id: b\n"))
        .containsExactly("test.yaml: node.id: duplicate key (first at line 2) (line 3, column 3)");
  }

  @Test
  void unknownFieldIsReportedWithItsFullPathAndLine() {
    String yaml = Bootstraps.minimal().replace(at(14, "routes:\n"), at(14, """
        routes:
        - match: {prefix: /a}
          route: {cluster: backend}
        """) + at(12, """
        - name: second
          domains: [second.example.com]
          rotes:
        """));
    assertThat(errors(yaml)).containsExactly("test.yaml: " + HCM_PATH
        + ".route_config.virtual_hosts[1].rotes: unknown field (did you mean 'routes'?) (line " + lineOf(yaml, "rotes:")
        + ", column " + columnOf(yaml, "rotes:") + ")");
  }

  @Test
  void badEnumValueNamesTheValueAndTheAllowedOnes() {
    String yaml = withClusters("""
        - name: backend
          lb_policy: MAGLEVV
        """);
    assertThat(errors(yaml)).singleElement().asString()
        .startsWith("test.yaml: static_resources.clusters[0].lb_policy: bad enum value 'MAGLEVV' (allowed: ROUND_ROBIN,"
            + " LEAST_REQUEST, RING_HASH, RANDOM, MAGLEV, CLUSTER_PROVIDED, LOAD_BALANCING_POLICY_CONFIG)");
  }

  @Test
  void wrongTypesAreReportedWhereTheyAre() {
    String yaml = withClusters("""
        - name: backend
          connect_timeout: 5
          load_assignment:
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: eighty}}}
              - endpoint: {address: {socket_address: {address: 10.0.0.2, port_value: -1}}}
        """).replace("domains: [\"*\"]", "domains: \"*\"");
    String endpoints = "static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints";
    assertThat(errors(yaml)).satisfiesExactly(
        e -> assertThat(e).isEqualTo("test.yaml: " + HCM_PATH + ".route_config.virtual_hosts[0].domains: expected a"
            + " list, got '*' (line " + lineOf(yaml, "domains:") + ", column " + columnOf(yaml, "\"*\"") + ")"),
        e -> assertThat(e).isEqualTo("test.yaml: static_resources.clusters[0].connect_timeout: expected a duration"
            + " such as \"5s\" or \"0.25s\", got '5' (line " + lineOf(yaml, "connect_timeout") + ", column "
            + (columnOf(yaml, "connect_timeout") + "connect_timeout: ".length()) + ")"),
        e -> assertThat(e).startsWith("test.yaml: " + endpoints + "[0].endpoint.address.socket_address.port_value:"
            + " expected an integer, got 'eighty' (line " + lineOf(yaml, "eighty") + ", column "),
        e -> assertThat(e).startsWith("test.yaml: " + endpoints + "[1].endpoint.address.socket_address.port_value:"
            + " value -1 is out of range for uint32 (0..4294967295) (line " + lineOf(yaml, "-1}") + ", column "));
  }

  @Test
  void aliasExpansionIsBounded() {
    StringBuilder yaml = new StringBuilder("node:\n  metadata:\n    l0: &l0 [x, x]\n");
    for (int i = 1; i < 25; i++) {
      yaml.append("    l").append(i).append(": &l").append(i).append(" [*l").append(i - 1).append(", *l")
          .append(i - 1).append("]\n");
    }
    assertThat(errors(yaml.toString())).singleElement().asString()
        .startsWith("test.yaml: the document expands to more than 2000000 values");
  }

  @Test
  void unknownAnyTypeIsAnError() {
    String yaml = Bootstraps.minimal().replace("v3.HttpConnectionManager", "v3.HttpConnectionManagr");
    assertThat(errors(yaml)).singleElement().asString().startsWith("test.yaml: " + HCM_PATH
        + ".@type: unknown type 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3"
        + ".HttpConnectionManagr'");
  }

  // ---- unsupported features ----------------------------------------------------------------------

  @Test
  void unsupportedNetworkFilterIsNamed() {
    String listener = """
        - name: echo
          address: {socket_address: {address: 0.0.0.0, port_value: 10000}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.echo
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.echo.v3.Echo
        """;
    assertThat(errors(Bootstraps.file(List.of(listener), List.of(Bootstraps.cluster("backend", "10.0.0.1")))))
        .containsExactly("test.yaml: " + HCM_PATH + ": network filter 'envoy.filters.network.echo'"
            + " (type.googleapis.com/envoy.extensions.filters.network.echo.v3.Echo) is not supported by"
            + " Sluice; supported: envoy.filters.network.http_connection_manager or envoy.filters.network.tcp_proxy");
  }

  @Test
  void unsupportedHttpFilterIsNamed() {
    String yaml = Bootstraps.minimal().replace(at(10, "http_filters:\n"), at(10, """
        http_filters:
        - name: envoy.filters.http.cors
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors
        """));
    assertThat(errors(yaml)).containsExactly("test.yaml: " + HCM_PATH + ".http_filters[0]: http filter"
        + " 'envoy.filters.http.cors' (type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors) is not"
        + " supported by Sluice; the only supported http filter is envoy.filters.http.router");
  }

  @Test
  void optionalUnsupportedHttpFilterIsSkippedAsEnvoyDoes() throws Exception {
    String yaml = Bootstraps.minimal().replace(at(10, "http_filters:\n"), at(10, """
        http_filters:
        - name: envoy.filters.http.cors
          is_optional: true
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors
        """));
    assertThat(BootstrapLoader.parse(yaml, "test").config())
        .isEqualTo(BootstrapLoader.parse(Bootstraps.minimal(), "test").config());
  }

  @Test
  void routerMustBeLast() {
    String yaml = Bootstraps.file(List.of(Bootstraps.listenerWithHcm("l", 10000, """
        stat_prefix: s
        route_config: {}
        http_filters: []
        """)), List.of());
    assertThat(errors(yaml)).containsExactly("test.yaml: " + HCM_PATH
        + ".http_filters: the last http filter must be envoy.filters.http.router (the list is empty)");
  }

  @Test
  void rdsIsOnlyForListenersFromLds() {
    String yaml = Bootstraps.file(List.of(Bootstraps.listenerWithHcm("l", 10000, """
        stat_prefix: s
        rds:
          route_config_name: local_route
          config_source: {ads: {}}
        """ + ROUTER)), List.of());
    assertThat(errors(yaml)).containsExactly("test.yaml: " + HCM_PATH + ".rds: rds is supported only in listeners"
        + " from LDS (dynamic_resources.lds_config); give a static listener its routes inline as route_config"
        + " (value: route_config_name 'local_route')");
  }

  @Test
  void http3CodecIsNotSupported() {
    String yaml = Bootstraps.minimal().replace(at(10, "stat_prefix: ingress_http\n"), at(10, "stat_prefix: ingress_http\ncodec_type: HTTP3\n"));
    assertThat(errors(yaml)).containsExactly("test.yaml: " + HCM_PATH
        + ".codec_type: codec_type HTTP3 is not supported by Sluice (supported: AUTO, HTTP1, HTTP2)");
  }

  @Test
  void edsClusterTypeIsOnlyForClustersFromCds() {
    assertThat(errors(withClusters("- {name: backend, type: EDS}"))).containsExactly(
        "test.yaml: static_resources.clusters[0].type: cluster type EDS is supported only for clusters from CDS"
            + " (dynamic_resources.cds_config); a static cluster needs STATIC or STRICT_DNS");
  }

  @Test
  void maglevIsNotSupported() {
    assertThat(errors(withClusters("- {name: backend, lb_policy: MAGLEV}"))).containsExactly(
        "test.yaml: static_resources.clusters[0].lb_policy: lb_policy MAGLEV is not supported by Sluice"
            + " (supported: ROUND_ROBIN, LEAST_REQUEST, RANDOM)");
  }

  @Test
  void setButUnsupportedFieldsAreRejectedWithPathAndValue() {
    String yaml = Bootstraps.withRoute("""
        - match: {prefix: /}
          route:
            cluster: backend
            retry_policy: {retry_on: 5xx, num_retries: 3}
        """).replace(at(4, "filter_chains:\n"), at(4, """
        listener_filters_timeout: 5s
        filter_chains:
        """));
    assertThat(errors(yaml)).containsExactly(
        "test.yaml: static_resources.listeners[0].listener_filters_timeout: field not supported by Sluice (value:"
            + " {seconds: 5})",
        "test.yaml: " + ROUTES_PATH + "[0].route.retry_policy: field not supported by Sluice (value: {retry_on:"
            + " \"5xx\" num_retries { value: 3 }})");
  }

  @Test
  void staticEndpointMustBeAnIpAddress() {
    assertThat(errors(withClusters(Bootstraps.cluster("backend", "backend.local")))).containsExactly(
        "test.yaml: static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address"
            + ".socket_address.address: malformed IP address: 'backend.local' (STATIC cluster endpoints must be IP"
            + " addresses; use type STRICT_DNS to resolve names)");
  }

  @Test
  void localityPriorityAndWeightAreRejected() {
    assertThat(errors(withClusters("""
        - name: backend
          load_assignment:
            endpoints:
            - priority: 1
              load_balancing_weight: 5
              lb_endpoints: []
        """))).containsExactly(
        "test.yaml: static_resources.clusters[0].load_assignment.endpoints[0].priority: priority levels are not"
            + " supported by Sluice (value: 1)",
        "test.yaml: static_resources.clusters[0].load_assignment.endpoints[0].load_balancing_weight: locality weights"
            + " are not supported by Sluice (value: 5)");
  }

  // ---- semantics and cross-references ------------------------------------------------------------

  @Test
  void routeNamingAnUndefinedClusterIsAnError() {
    String yaml = Bootstraps.withRoute("""
        - match: {prefix: /a}
          route: {cluster: nope}
        - match: {prefix: /}
          route:
            weighted_clusters:
              clusters: [{name: backend, weight: 1}, {name: missing, weight: 1}]
        """);
    assertThat(errors(yaml)).containsExactly(
        "test.yaml: " + ROUTES_PATH + "[0].route.cluster: unknown cluster 'nope': no cluster of that name is defined"
            + " in static_resources.clusters",
        "test.yaml: " + ROUTES_PATH + "[1].route.weighted_clusters.clusters[1].name: unknown cluster 'missing': no"
            + " cluster of that name is defined in static_resources.clusters");
  }

  @Test
  void validateClustersFalseAllowsUnknownClusters() throws Exception {
    String yaml = Bootstraps.withRoute("""
        - match: {prefix: /}
          route: {cluster: later}
        """).replace(at(10, "route_config:\n"), at(10, "route_config:\n  validate_clusters: false\n"));
    assertThat(BootstrapLoader.parse(yaml, "test").config().listeners()).hasSize(1);
  }

  @Test
  void duplicateListenerNames() {
    String yaml = Bootstraps.file(List.of(
        Bootstraps.listener("web", 10000, Bootstraps.DEFAULT_ROUTES),
        Bootstraps.listener("web", 10001, Bootstraps.DEFAULT_ROUTES)), List.of(Bootstraps.cluster("backend", "10.0.0.1")));
    assertThat(errors(yaml)).containsExactly("test.yaml: static_resources.listeners[1].name: duplicate listener name"
        + " 'web' (first at static_resources.listeners[0])");
  }

  @Test
  void duplicateClusterNames() {
    assertThat(errors(withClusters(Bootstraps.cluster("backend", "10.0.0.1"), Bootstraps.cluster("backend", "10.0.0.2"))))
        .containsExactly("test.yaml: static_resources.clusters[1].name: duplicate cluster name 'backend' (first at"
            + " static_resources.clusters[0])");
  }

  @Test
  void twoListenersOnOnePort() {
    String yaml = Bootstraps.file(List.of(
        Bootstraps.listener("a", 10000, Bootstraps.DEFAULT_ROUTES),
        Bootstraps.listener("b", 10000, Bootstraps.DEFAULT_ROUTES)), List.of(Bootstraps.cluster("backend", "10.0.0.1")));
    assertThat(errors(yaml)).containsExactly("test.yaml: static_resources.listeners[1].address: address 0.0.0.0:10000"
        + " is already used by listener 'a' (static_resources.listeners[0])");
  }

  @Test
  void invalidSafeRegexIsReportedWithItsPath() {
    String yaml = Bootstraps.withRoute("""
        - match: {safe_regex: {regex: "/(unclosed"}}
          route: {cluster: backend}
        """);
    assertThat(errors(yaml)).singleElement().asString().startsWith("test.yaml: " + ROUTES_PATH
        + "[0].match.safe_regex.regex: invalid regex '/(unclosed': ");
  }

  @Test
  void modelValidationFailuresCarryThePath() {
    String yaml = Bootstraps.withRoute("""
        - match: {path_separated_prefix: /api/}
          route: {cluster: backend}
        - match: {prefix: /}
          direct_response: {status: 600}
        """);
    assertThat(errors(yaml)).containsExactly(
        "test.yaml: " + ROUTES_PATH + "[0].match.path_separated_prefix: path_separated_prefix must start with '/' and"
            + " must not end with '/': /api/",
        "test.yaml: " + ROUTES_PATH + "[1].direct_response.status: direct_response status 600 is outside 200..599");
  }

  @Test
  void headerRulesFollowEnvoy() {
    String yaml = Bootstraps.withRoute("""
        - match: {prefix: /}
          route: {cluster: backend}
          request_headers_to_add:
          - header: {key: ":path", value: /x}
          - header: {key: x-a, value: "%DOWNSTREAM_REMOTE_ADDRESS%"}
          - header: {key: x-b, value: b}
            append: true
            append_action: ADD_IF_ABSENT
          request_headers_to_remove: [host]
        """);
    assertThat(errors(yaml)).containsExactly(
        "test.yaml: " + ROUTES_PATH + "[0].request_headers_to_add[0].header.key: :-prefixed or host headers may not"
            + " be modified (value: ':path')",
        "test.yaml: " + ROUTES_PATH + "[0].request_headers_to_add[1].header.value: header value formatters"
            + " (%COMMAND%) are not supported by Sluice; write %% for a literal percent sign (value:"
            + " '%DOWNSTREAM_REMOTE_ADDRESS%')",
        "test.yaml: " + ROUTES_PATH + "[0].request_headers_to_add[2].append: both append and append_action"
            + " (ADD_IF_ABSENT) are set and it's not allowed; use append_action only",
        "test.yaml: " + ROUTES_PATH + "[0].request_headers_to_remove[0]: :-prefixed or host headers may not be"
            + " removed (value: 'host')");
  }

  @Test
  void weightedClustersMustWeighSomething() {
    String yaml = Bootstraps.withRoute("""
        - match: {prefix: /}
          route:
            weighted_clusters:
              clusters: [{name: backend}]
        """);
    assertThat(errors(yaml)).containsExactly("test.yaml: " + ROUTES_PATH
        + "[0].route.weighted_clusters.clusters: Sum of weights in the weighted_cluster must be greater than 0");
  }

  @Test
  void directResponseBodyLimitsAndMissingFiles(@TempDir Path dir) throws Exception {
    Path big = Files.writeString(dir.resolve("big.txt"), "x".repeat(5000));
    String yaml = Bootstraps.withRoute("""
        - match: {prefix: /a}
          direct_response: {status: 200, body: {inline_string: "%s"}}
        - match: {prefix: /b}
          direct_response: {status: 200, body: {filename: "%s"}}
        - match: {prefix: /c}
          direct_response: {status: 200, body: {filename: "%s"}}
        """.formatted("y".repeat(4097), big, dir.resolve("missing.txt")));
    assertThat(errors(yaml)).containsExactly(
        "test.yaml: " + ROUTES_PATH + "[0].direct_response.body: response body size is 4097 bytes; maximum is 4096"
            + " (see max_direct_response_body_size_bytes)",
        "test.yaml: " + ROUTES_PATH + "[1].direct_response.body.filename: response body file '" + big
            + "' size is 5000 bytes; maximum is 4096",
        "test.yaml: " + ROUTES_PATH + "[2].direct_response.body.filename: response body file '"
            + dir.resolve("missing.txt") + "' does not exist");
  }

  @Test
  void aChainWithoutNetworkFilterIsRejected() {
    String yaml = Bootstraps.minimal().replace(at(4, "filter_chains:\n- filters:\n"),
        at(4, "filter_chains:\n- filters: []\n  filter_chain_match: {destination_port: 1}\n- filters:\n"));
    assertThat(errors(yaml)).containsExactly(
        "test.yaml: static_resources.listeners[0].filter_chains[0].filters: a filter chain needs exactly one network"
            + " filter, envoy.filters.network.http_connection_manager or envoy.filters.network.tcp_proxy (found 0)");
  }

  // ---- reporting everything at once --------------------------------------------------------------

  @Test
  void allSchemaErrorsAreReportedTogether() {
    String yaml = withClusters("""
        - name: backend
          conect_timeout: 1s
          lb_policy: FASTEST
          type: STATIC
          load_assignment: {endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {port_value: x}}}}]}]}
        """);
    assertThat(errors(yaml)).hasSize(3).satisfiesExactly(
        e -> assertThat(e).startsWith("test.yaml: static_resources.clusters[0].conect_timeout: unknown field (did you"
            + " mean 'connect_timeout'?)"),
        e -> assertThat(e).startsWith("test.yaml: static_resources.clusters[0].lb_policy: bad enum value 'FASTEST'"),
        e -> assertThat(e).contains(".socket_address.port_value: expected an integer, got 'x'"));
  }

  @Test
  void allDecodingErrorsAreReportedTogether() {
    String yaml = Bootstraps.file(List.of(
        Bootstraps.listener("web", 10000, Bootstraps.DEFAULT_ROUTES),
        Bootstraps.listener("web", 10001, """
            - match: {prefix: /}
              route: {cluster: ghost}
            """)), List.of(
        Bootstraps.cluster("backend", "10.0.0.1"),
        "- {name: eds, type: EDS}",
        "- {name: ring, lb_policy: RING_HASH, circuit_breakers: {thresholds: [{max_connections: 10}]}}"));
    assertThat(errors(yaml)).containsExactly(
        "test.yaml: static_resources.listeners[1].name: duplicate listener name 'web' (first at"
            + " static_resources.listeners[0])",
        "test.yaml: static_resources.clusters[1].type: cluster type EDS is supported only for clusters from CDS"
            + " (dynamic_resources.cds_config); a static cluster needs STATIC or STRICT_DNS",
        "test.yaml: static_resources.clusters[2].circuit_breakers: field not supported by Sluice (value:"
            + " {thresholds { max_connections { value: 10 } }})",
        "test.yaml: static_resources.clusters[2].lb_policy: lb_policy RING_HASH is not supported by Sluice"
            + " (supported: ROUND_ROBIN, LEAST_REQUEST, RANDOM)",
        "test.yaml: static_resources.listeners[1].filter_chains[0].filters[0].typed_config.route_config"
            + ".virtual_hosts[0].routes[0].route.cluster: unknown cluster 'ghost': no cluster of that name is defined"
            + " in static_resources.clusters");
  }

  @Test
  void unreadableFileIsAConfigException(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> BootstrapLoader.load(missing));
    assertThat(e.errors()).singleElement().asString().startsWith(missing + ": cannot read the file: ");
  }
}
