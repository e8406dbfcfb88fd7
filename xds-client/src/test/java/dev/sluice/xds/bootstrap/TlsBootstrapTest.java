package dev.sluice.xds.bootstrap;

import static dev.sluice.xds.bootstrap.BootstrapErrorsTest.errors;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.BootstrapConfig;
import dev.sluice.config.CertificateValidationConfig;
import dev.sluice.config.CertificateValidationConfig.TrustedCa;
import dev.sluice.config.CidrRange;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.DataSource;
import dev.sluice.config.DownstreamTlsConfig;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.FilterChainMatchConfig;
import dev.sluice.config.ForwardClientCertConfig;
import dev.sluice.config.ForwardClientCertConfig.ClientCertDetail;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.SecretConfig;
import dev.sluice.config.StringMatch;
import dev.sluice.config.SubjectAltNameMatcher;
import dev.sluice.config.TcpProxyConfig;
import dev.sluice.config.TcpProxyConfig.WeightedCluster;
import dev.sluice.config.TlsCertificateConfig;
import dev.sluice.config.TlsParamsConfig;
import dev.sluice.config.TlsParamsConfig.TlsProtocol;
import dev.sluice.config.UpstreamTlsConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Decoding TLS, filter-chain matching, listener filters, the TCP proxy and static secrets from a bootstrap. */
class TlsBootstrapTest {
  private static final String CHAIN = "static_resources.listeners[0].filter_chains[0]";
  private static final String DOWNSTREAM = CHAIN + ".transport_socket.typed_config";
  private static final String CLUSTER_TLS = "static_resources.clusters[0].transport_socket.typed_config";

  static LoadedBootstrap load(String name) throws Exception {
    return BootstrapLoader.load(BootstrapLoaderTest.resource(name));
  }

  @Test
  void everyTlsAndMatchingFieldDecodes() throws Exception {
    BootstrapConfig config = load("tls.yaml").config();

    SecretConfig clientCert = new SecretConfig("client-cert", new TlsCertificateConfig.Static(
        new DataSource.Filename("/etc/sluice/client.crt"), new DataSource.Filename("/etc/sluice/client.key")), null);
    SecretConfig upstreamCa = new SecretConfig("upstream-ca", null, new DataSource.InlineString("CA-PEM"));
    assertThat(config.secrets()).isEqualTo(Map.of("client-cert", clientCert, "upstream-ca", upstreamCa));

    ListenerConfig gateway = config.listeners().get(0);
    assertThat(gateway.tlsInspector()).isTrue();
    assertThat(gateway.filterChains()).extracting(FilterChainConfig::name).containsExactly("api", "passthrough",
        "mtls-sds");

    FilterChainConfig api = gateway.filterChains().get(0);
    assertThat(api.match()).isEqualTo(new FilterChainMatchConfig(8443, List.of(new CidrRange("10.0.0.0", 8)),
        List.of("api.example.com", "*.example.com"), "tls", List.of("h2", "http/1.1"),
        FilterChainMatchConfig.SourceType.EXTERNAL, List.of(new CidrRange("2001:db8::", 32)), List.of(4000, 4001)));
    CommonTlsConfig serverCommon = new CommonTlsConfig(
        new TlsParamsConfig(TlsProtocol.TLSv1_2, TlsProtocol.TLSv1_3,
            List.of("[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]", "ECDHE-RSA-AES256-GCM-SHA384"),
            List.of("X25519")),
        List.of(new TlsCertificateConfig.Static(new DataSource.Filename("/etc/sluice/server.crt"),
            new DataSource.InlineString("SERVER-KEY"))),
        new CertificateValidationConfig(
            new TrustedCa.Static(new DataSource.InlineBytes("CA-PEM".getBytes(StandardCharsets.US_ASCII))),
            List.of(SubjectAltNameMatcher.uriExact("spiffe://example.org/ns/web/sa/client"),
                new SubjectAltNameMatcher(SubjectAltNameMatcher.SanType.DNS, new StringMatch.Suffix(".example.org",
                    true)))),
        List.of("h2", "http/1.1"));
    assertThat(api.tls()).isEqualTo(new DownstreamTlsConfig(serverCommon, true, true, true, Duration.ofMinutes(5)));
    assertThat(((HttpConnectionManagerConfig) api.terminalFilter()).forwardClientCert()).isEqualTo(
        new ForwardClientCertConfig(ForwardClientCertConfig.ForwardClientCertDetails.SANITIZE_SET,
            Set.of(ClientCertDetail.SUBJECT, ClientCertDetail.URI, ClientCertDetail.DNS)));

    FilterChainConfig passthrough = gateway.filterChains().get(1);
    assertThat(passthrough.tls()).isNull();
    assertThat(passthrough.match().serverNames()).containsExactly("db.example.com");
    assertThat(passthrough.terminalFilter()).isEqualTo(new TcpProxyConfig("db",
        List.of(new WeightedCluster("backend", 3), new WeightedCluster("secure", 1)), Duration.ZERO));

    FilterChainConfig mtls = gateway.filterChains().get(2);
    assertThat(mtls.tls()).isEqualTo(DownstreamTlsConfig.of(new CommonTlsConfig(TlsParamsConfig.DEFAULT,
        List.of(new TlsCertificateConfig.Sds("client-cert")), CertificateValidationConfig.of(new TrustedCa.Sds(
            "upstream-ca")), List.of())));
    assertThat(mtls.terminalFilter()).isEqualTo(TcpProxyConfig.to("mtls", "secure"));
    assertThat(gateway.defaultFilterChain()).isEqualTo(new FilterChainConfig("fallback", FilterChainMatchConfig.ANY,
        null, TcpProxyConfig.to("fallback", "backend")));

    assertThat(config.clusters().get(0).tls()).isNull();
    assertThat(config.clusters().get(1).tls()).isEqualTo(new UpstreamTlsConfig(new CommonTlsConfig(
        TlsParamsConfig.DEFAULT, List.of(new TlsCertificateConfig.Sds("client-cert")),
        new CertificateValidationConfig(new TrustedCa.Sds("upstream-ca"),
            List.of(SubjectAltNameMatcher.dnsExact("secure.internal"))), List.of("http/1.1")),
        "secure.internal", true, true, UpstreamTlsConfig.DEFAULT_MAX_SESSION_KEYS));
    // raw_buffer is Envoy's default transport socket: plaintext.
    assertThat(config.clusters().get(2).tls()).isNull();
  }

  @Test
  void theConfigDumpRedactsInlineKeys() throws Exception {
    String yaml = Files.readString(BootstrapLoaderTest.resource("tls.yaml")).replace(
        "private_key: {filename: /etc/sluice/client.key}", "private_key: {inline_string: \"CLIENT-KEY\"}");
    LoadedBootstrap loaded = BootstrapLoader.parse(yaml, "tls.yaml");
    assertThat(loaded.config().secrets().get("client-cert").tlsCertificate().privateKey())
        .isEqualTo(new DataSource.InlineString("CLIENT-KEY"));
    assertThat(loaded.configDumpJson()).doesNotContain("CLIENT-KEY").doesNotContain("SERVER-KEY")
        .contains("[redacted]").contains("/etc/sluice/server.crt").contains("CA-PEM");
  }

  // ---- errors ----------------------------------------------------------------------------------

  /** A listener item with one filter chain of {@code chainFields} (YAML at column 0) and a router. */
  static String listener(String chainFields) {
    return """
        - name: gw
          address: {socket_address: {address: 0.0.0.0, port_value: 10443}}
          filter_chains:
        %s
        """.formatted(chain(chainFields).stripTrailing().indent(2).stripTrailing());
  }

  /** A filter chain item: {@code fields} plus a TCP proxy to {@code backend}. */
  static String chain(String fields) {
    return ("- " + fields.strip().indent(2).strip() + """

          filters:
          - name: envoy.filters.network.tcp_proxy
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
              stat_prefix: tcp
              cluster: backend
        """);
  }

  static String downstream(String contextFields) {
    return """
        name: tls
        transport_socket:
          name: envoy.transport_sockets.tls
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
        %s
        """.formatted(contextFields.stripTrailing().indent(4).stripTrailing());
  }

  static final String CERTIFICATE = """
      common_tls_context:
        tls_certificates:
        - certificate_chain: {filename: /c.pem}
          private_key: {filename: /k.pem}
      """;

  static String withListener(String listener, String... extraClusters) {
    List<String> clusters = new java.util.ArrayList<>(List.of(Bootstraps.cluster("backend", "10.0.0.1")));
    clusters.addAll(List.of(extraClusters));
    return Bootstraps.file(List.of(listener), clusters);
  }

  static String upstreamCluster(String contextFields) {
    return """
        - name: secure
          transport_socket:
            name: envoy.transport_sockets.tls
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
        %s
          load_assignment:
            cluster_name: secure
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 10.0.0.2, port_value: 443}}}
        """.formatted(contextFields.stripTrailing().indent(6).stripTrailing());
  }

  @Test
  void aValidTlsChainDecodes() throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.parse(withListener(listener(downstream(CERTIFICATE))), "test.yaml");
    assertThat(loaded.config().listeners().get(0).filterChains().get(0).tls().commonTlsContext().certificate())
        .isEqualTo(new TlsCertificateConfig.Static(new DataSource.Filename("/c.pem"), new DataSource.Filename(
            "/k.pem")));
  }

  @Test
  void unknownTransportSocketIsNamed() {
    String yaml = withListener(listener("""
        transport_socket:
          name: envoy.transport_sockets.tcp_stats
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.transport_sockets.tcp_stats.v3.Config
        """));
    assertThat(errors(yaml)).containsExactly("test.yaml: " + CHAIN + ".transport_socket.typed_config: transport"
        + " socket 'envoy.transport_sockets.tcp_stats' (type.googleapis.com/envoy.extensions.transport_sockets"
        + ".tcp_stats.v3.Config) is not supported by Sluice; supported: envoy.transport_sockets.tls,"
        + " envoy.transport_sockets.raw_buffer");
  }

  @Test
  void anUpstreamContextOnAListenerIsRejected() {
    String yaml = withListener(listener("""
        transport_socket:
          name: envoy.transport_sockets.tls
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
        """));
    assertThat(errors(yaml)).containsExactly("test.yaml: " + DOWNSTREAM + ": the TLS transport socket of a filter"
        + " chain takes a DownstreamTlsContext (got type.googleapis.com/envoy.extensions.transport_sockets.tls.v3"
        + ".UpstreamTlsContext)");
  }

  @Test
  void aServerContextNeedsACertificateAndValidFields() {
    String yaml = withListener(listener(downstream("""
        require_sni: true
        session_ticket_keys: {keys: [{inline_string: "TICKET-KEY"}]}
        common_tls_context:
          tls_params: {tls_minimum_protocol_version: TLSv1_3, tls_maximum_protocol_version: TLSv1_2}
          validation_context:
            match_typed_subject_alt_names: [{san_type: OTHER_NAME, matcher: {exact: x}, oid: "1.2.3"}]
        """)));
    assertThat(errors(yaml)).containsExactly(
        "test.yaml: " + DOWNSTREAM + ".require_sni: field not supported by Sluice (value: {value: true})",
        "test.yaml: " + DOWNSTREAM + ".session_ticket_keys: field not supported by Sluice (value not shown: it may"
            + " hold key material)",
        "test.yaml: " + DOWNSTREAM + ".common_tls_context.tls_params: tls_minimum_protocol_version TLSv1_3 is above"
            + " tls_maximum_protocol_version TLSv1_2",
        "test.yaml: " + DOWNSTREAM + ".common_tls_context.validation_context.match_typed_subject_alt_names[0].oid:"
            + " field not supported by Sluice (value: '1.2.3')",
        "test.yaml: " + DOWNSTREAM + ".common_tls_context.validation_context.match_typed_subject_alt_names[0]"
            + ".san_type: san_type OTHER_NAME is not supported by Sluice (supported: EMAIL, DNS, URI, IP_ADDRESS)");
    assertThat(errors(withListener(listener(downstream("common_tls_context: {alpn_protocols: [h2]}")))))
        .containsExactly("test.yaml: " + DOWNSTREAM + ": a downstream TLS context needs a certificate"
            + " (tls_certificates or tls_certificate_sds_secret_configs)");
  }

  @Test
  void http2ToUpstreamsIsRejected() {
    String yaml = withListener(listener("name: plain"), upstreamCluster("""
        common_tls_context: {alpn_protocols: [h2, http/1.1]}
        """));
    assertThat(errors(yaml)).containsExactly("test.yaml: static_resources.clusters[1].transport_socket.typed_config"
        + ".common_tls_context.alpn_protocols: HTTP/2 to upstreams is not supported yet: upstream connections speak"
        + " HTTP/1.1 only; offer http/1.1 alone (value: [h2, http/1.1])");
  }

  @Test
  void upstreamContextRecordRulesBecomeErrorsAtTheContext() {
    String yaml = Bootstraps.file(List.of(), List.of(upstreamCluster("""
        auto_sni_san_validation: true
        allow_renegotiation: true
        """)));
    assertThat(errors(yaml)).containsExactly(
        "test.yaml: " + CLUSTER_TLS + ".allow_renegotiation: field not supported by Sluice (value: true)");
    assertThat(errors(Bootstraps.file(List.of(), List.of(upstreamCluster("auto_sni_san_validation: true")))))
        .containsExactly("test.yaml: " + CLUSTER_TLS + ": auto_sni_san_validation requires a validation context with"
            + " trusted_ca");
  }

  @Test
  void transportSocketMatchesAreNotSupported() {
    String yaml = Bootstraps.file(List.of(), List.of("""
        - name: backend
          transport_socket_matches:
          - name: plain
            match: {}
            transport_socket: {name: envoy.transport_sockets.raw_buffer}
        """));
    assertThat(errors(yaml)).singleElement().asString().startsWith(
        "test.yaml: static_resources.clusters[0].transport_socket_matches: field not supported by Sluice (value: ");
  }

  @Test
  void chainsWithTheSameMatchingRulesAreRejectedNamingBoth() {
    String yaml = Bootstraps.file(List.of("""
        - name: gw
          address: {socket_address: {address: 0.0.0.0, port_value: 10443}}
          listener_filters: [{name: envoy.filters.listener.tls_inspector}]
          filter_chains:
        """ + String.join("", chain("""
            name: a
            filter_chain_match: {server_names: [a.example.com, b.example.com]}
            """), chain("""
            name: b
            filter_chain_match: {server_names: [B.example.com, c.example.com]}
            """), chain("""
            name: c
            filter_chain_match: {server_names: [c.example.com], source_ports: [80]}
            """), chain("""
            filter_chain_match: {destination_port: 10443}
            """), chain("""
            filter_chain_match: {destination_port: 10443}
            """)).indent(2)), List.of(Bootstraps.cluster("backend", "10.0.0.1")));
    String prefix = "test.yaml: static_resources.listeners[0].filter_chains: multiple filter chains with the same"
        + " matching rules are defined in listener 'gw': ";
    // a and b share b.example.com; b and c differ in source_ports (c.example.com from any port vs from port 80).
    assertThat(errors(yaml)).containsExactlyInAnyOrder(
        prefix + "'a' (filter_chains[0]) and 'b' (filter_chains[1])",
        prefix + "filter_chains[3] and filter_chains[4]");
  }

  @Test
  void onlyTheTlsInspectorListenerFilterIsSupported() {
    String yaml = withListener(listener("name: plain").replace("  filter_chains:\n", """
          listener_filters:
          - name: envoy.filters.listener.http_inspector
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector
          - name: envoy.filters.listener.original_dst
          filter_chains:
        """));
    assertThat(errors(yaml)).containsExactly(
        "test.yaml: static_resources.listeners[0].listener_filters[0].typed_config: listener filter"
            + " 'envoy.filters.listener.http_inspector' (type.googleapis.com/envoy.extensions.filters.listener"
            + ".http_inspector.v3.HttpInspector) is not supported by Sluice; supported:"
            + " envoy.filters.listener.tls_inspector",
        "test.yaml: static_resources.listeners[0].listener_filters[1]: listener filter"
            + " 'envoy.filters.listener.original_dst' is not supported by Sluice; supported:"
            + " envoy.filters.listener.tls_inspector");
  }

  @Test
  void filterChainMatchFieldsAreValidated() {
    String yaml = withListener(listener("""
        filter_chain_match:
          destination_port: 70000
          prefix_ranges: [{address_prefix: example.com, prefix_len: 8}]
          transport_protocol: quic
          source_ports: [0]
          direct_source_prefix_ranges: [{address_prefix: 10.0.0.0, prefix_len: 8}]
        """));
    String match = "test.yaml: " + CHAIN + ".filter_chain_match";
    assertThat(errors(yaml)).containsExactly(
        match + ".direct_source_prefix_ranges: field not supported by Sluice (value: [{address_prefix: \"10.0.0.0\""
            + " prefix_len { value: 8 }}])",
        match + ".destination_port: must be in 1..65535 (value: 70000)",
        match + ".prefix_ranges[0]: address_prefix 'example.com' is not an IP address",
        match + ".transport_protocol: transport_protocol 'quic' is never detected by Sluice (supported: tls,"
            + " raw_buffer)",
        match + ".source_ports[0]: must be in 1..65535 (value: 0)");
  }

  @Test
  void tcpProxyClustersMustExist() {
    String yaml = Bootstraps.file(List.of("""
        - name: tcp
          address: {socket_address: {address: 0.0.0.0, port_value: 10000}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.tcp_proxy
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                stat_prefix: tcp
                weighted_clusters:
                  clusters: [{name: backend, weight: 1}, {name: ghost, weight: 2}, {name: zero, weight: 0}]
        """), List.of(Bootstraps.cluster("backend", "10.0.0.1")));
    String proxy = "test.yaml: static_resources.listeners[0].filter_chains[0].filters[0].typed_config";
    assertThat(errors(yaml)).containsExactly(
        proxy + ".weighted_clusters.clusters[2].weight: must be at least 1 (value: 0)",
        proxy + ".weighted_clusters.clusters[1].name: unknown cluster 'ghost': no cluster of that name is defined in"
            + " static_resources.clusters");
  }

  @Test
  void staticSecretReferencesMustResolve() {
    String yaml = withListener(listener(downstream("""
        common_tls_context:
          tls_certificate_sds_secret_configs: [{name: missing}]
          validation_context_sds_secret_config: {name: cert}
        """))).replace("static_resources:\n", """
        static_resources:
          secrets:
          - name: cert
            tls_certificate:
              certificate_chain: {filename: /c.pem}
              private_key: {filename: /k.pem}
        """);
    String common = "test.yaml: " + DOWNSTREAM + ".common_tls_context";
    assertThat(errors(yaml)).containsExactly(
        common + ".tls_certificate_sds_secret_configs[0].name: unknown static secret 'missing': no secret of that"
            + " name is defined in static_resources.secrets (add sds_config: {ads: {}} to fetch it over ADS)",
        common + ".validation_context_sds_secret_config.name: static secret 'cert' has no validation_context");
  }

  @Test
  void secretsOverAdsNeedAnAdsServerAndOtherSdsSourcesAreNotSupported() {
    String yaml = withListener(listener(downstream("""
        common_tls_context:
          tls_certificate_sds_secret_configs: [{name: cert, sds_config: {ads: {}}}]
          validation_context_sds_secret_config:
            name: ca
            sds_config:
              api_config_source:
                api_type: GRPC
                grpc_services: [{envoy_grpc: {cluster_name: sds-grpc}}]
        """)));
    String common = "test.yaml: " + DOWNSTREAM + ".common_tls_context";
    assertThat(errors(yaml)).containsExactly(
        common + ".validation_context_sds_secret_config.sds_config.api_config_source: SDS from api_config_source is"
            + " not supported by Sluice; use sds_config: {ads: {}} to fetch the secret over the ADS stream,"
            + " sds_config: {path_config_source: {path: FILE}} to read it from a file, or omit sds_config to name a"
            + " secret of static_resources.secrets",
        common + ".tls_certificate_sds_secret_configs[0].name: secret 'cert' is to be fetched over ADS (sds_config),"
            + " but dynamic_resources has no ads_config");
  }

  @Test
  void secretsOverAdsAreAcceptedWithAnAdsServer() throws Exception {
    String yaml = withListener(listener(downstream("""
        common_tls_context:
          tls_certificate_sds_secret_configs: [{name: cert, sds_config: {ads: {}}}]
        """))) + """
        dynamic_resources:
          ads_config:
            api_type: GRPC
            grpc_services: [{google_grpc: {target_uri: "xds.example:18000", stat_prefix: ads}}]
        """;
    ListenerConfig gw = BootstrapLoader.parse(yaml, "test.yaml").config().listeners().get(0);
    assertThat(gw.filterChains().get(0).tls().commonTlsContext().certificate())
        .isEqualTo(new TlsCertificateConfig.Sds("cert"));
  }
}
