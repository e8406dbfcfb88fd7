package dev.sluice.xds.resource;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import dev.sluice.config.CertificateValidationConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.TcpProxyConfig;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.SelfConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TLS contexts and filter chains as listeners from LDS carry them. */
class TlsDecodersTest {

  static Filter tcpProxy(String cluster) {
    return Filter.newBuilder().setName("envoy.filters.network.tcp_proxy")
        .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix("tcp").setCluster(cluster).build())).build();
  }

  static Listener.Builder listener(FilterChain.Builder... chains) {
    Listener.Builder l = Listener.newBuilder().setName("l").setAddress(Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(10443)));
    for (FilterChain.Builder c : chains) {
      l.addFilterChains(c);
    }
    return l;
  }

  static TransportSocket downstream(CommonTlsContext common) {
    return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
        .setTypedConfig(Any.pack(DownstreamTlsContext.newBuilder().setCommonTlsContext(common).build())).build();
  }

  @Test
  void sniChainsWithoutTheTlsInspectorAreAcceptedWithANotice() {
    Listener l = listener(FilterChain.newBuilder().setName("sni")
        .setFilterChainMatch(FilterChainMatch.newBuilder().addServerNames("a.example.com").setTransportProtocol("tls"))
        .addFilters(tcpProxy("backend"))).build();
    DecodeContext ctx = DecodeContext.forXdsResource("Listener 'l'");
    assertThat(ListenerDecoder.decode(l, "", ctx)).hasValueSatisfying(c -> assertThat(c.tlsInspector()).isFalse());
    assertThat(ctx.errors()).isEmpty();
    assertThat(ctx.notices()).containsExactly("Listener 'l': filter_chains[0].filter_chain_match: matches on"
        + " server_names, transport_protocol 'tls', which only the listener filter envoy.filters.listener.tls_inspector"
        + " reads; the listener has none, so this chain can never match (accepted, as Envoy does)");
    assertThat(ctx.clusterReferences()).containsExactly(
        new ClusterReference("filter_chains[0].filters[0].typed_config.cluster", "backend"));
  }

  @Test
  void secretsOverAdsAreRecordedWithTheirFetchTimeout() {
    ConfigSource ads = ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
        .setInitialFetchTimeout(Duration.newBuilder().setSeconds(3)).build();
    ConfigSource self = ConfigSource.newBuilder().setSelf(SelfConfigSource.getDefaultInstance()).build();
    Listener l = listener(FilterChain.newBuilder().setTransportSocket(downstream(CommonTlsContext.newBuilder()
        .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName("cert").setSdsConfig(ads))
        .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
            .setValidationContextSdsSecretConfig(SdsSecretConfig.newBuilder().setName("ROOTCA").setSdsConfig(self)))
        .build())).addFilters(tcpProxy("backend"))).build();
    DecodeContext ctx = DecodeContext.forXdsResource("Listener 'l'");
    ListenerConfig decoded = ListenerDecoder.decode(l, "", ctx).orElseThrow();
    String common = "filter_chains[0].transport_socket.typed_config.common_tls_context";
    assertThat(ctx.secretReferences()).containsExactly(
        new SecretReference(common + ".tls_certificate_sds_secret_configs[0].name", "cert",
            SecretReference.Kind.TLS_CERTIFICATE, true, java.time.Duration.ofSeconds(3)),
        new SecretReference(common + ".combined_validation_context.validation_context_sds_secret_config.name",
            "ROOTCA", SecretReference.Kind.VALIDATION_CONTEXT, true, java.time.Duration.ofSeconds(15)));
    assertThat(decoded.filterChains().get(0).tls().commonTlsContext().validationContext())
        .isEqualTo(CertificateValidationConfig.of(new CertificateValidationConfig.TrustedCa.Sds("ROOTCA")));
  }

  @Test
  void aCombinedContextTakesItsCaFromSdsOnly() {
    CommonTlsContext.CombinedCertificateValidationContext.Builder combined =
        CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
            .setDefaultValidationContext(CertificateValidationContext.newBuilder()
                .setTrustedCa(DataSource.newBuilder().setFilename("/ca.pem")));
    String path = "Listener 'l': filter_chains[0].transport_socket.typed_config.common_tls_context"
        + ".combined_validation_context";
    assertThat(errors(combined)).containsExactly(path + ".validation_context_sds_secret_config: is required");
    combined.setValidationContextSdsSecretConfig(SdsSecretConfig.newBuilder().setName("ROOTCA")
        .setSdsConfig(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())));
    // Envoy would let the secret's CA silently replace this one.
    assertThat(errors(combined)).containsExactly(path + ".default_validation_context.trusted_ca: the trusted CA"
        + " comes from validation_context_sds_secret_config; remove trusted_ca here");
  }

  static List<String> errors(CommonTlsContext.CombinedCertificateValidationContext.Builder combined) {
    Listener l = listener(FilterChain.newBuilder().setTransportSocket(downstream(CommonTlsContext.newBuilder()
        .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName("cert"))
        .setCombinedValidationContext(combined).build())).addFilters(tcpProxy("backend"))).build();
    DecodeContext ctx = DecodeContext.forXdsResource("Listener 'l'");
    assertThat(ListenerDecoder.decode(l, "", ctx)).isEmpty();
    return ctx.errors();
  }

  @Test
  void theDefaultChainCountsAfterTheLastForRds() {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix("fallback")
        .setRds(Rds.newBuilder().setRouteConfigName("fallback-routes").setConfigSource(ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance())))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    Listener l = listener(FilterChain.newBuilder().addFilters(tcpProxy("backend")))
        .setDefaultFilterChain(FilterChain.newBuilder().setName("fallback").setFilterChainMatch(
            FilterChainMatch.newBuilder().addServerNames("ignored.example.com"))
            .addFilters(Filter.newBuilder().setName("hcm").setTypedConfig(Any.pack(hcm))))
        .build();
    DecodeContext ctx = DecodeContext.forXdsResource("Listener 'l'");
    ListenerConfig decoded = ListenerDecoder.decode(l, "", ctx).orElseThrow();
    assertThat(decoded.filterChains().get(0).terminalFilter()).isEqualTo(TcpProxyConfig.to("tcp", "backend"));
    assertThat(decoded.defaultFilterChain().match().serverNames()).isEmpty();
    assertThat(ctx.warnings()).singleElement().asString().contains("default_filter_chain.filter_chain_match: ignored");
    assertThat(ListenerDecoder.rdsReferences(l)).containsExactly(
        new RdsReference(1, "fallback-routes", "fallback", java.time.Duration.ofSeconds(15)));
  }
}
