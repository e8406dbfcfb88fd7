package dev.sluice.xds.resource;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.UInt32Value;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.SecretConfig;
import dev.sluice.config.TlsCertificateConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoders that only resources from a management server reach: RDS in listeners, EDS, SDS. */
class XdsResourceDecodersTest {
  private static final ConfigSource ADS =
      ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();

  private static LbEndpoint lb(String ip, int weight, HealthStatus health) {
    return LbEndpoint.newBuilder()
        .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
            .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(80))))
        .setLoadBalancingWeight(UInt32Value.of(weight))
        .setHealthStatus(health)
        .build();
  }

  @Test
  void endpointsOfPriorityZeroThatAreHealthyOrUnknownAreServedWithTheirWeights() {
    ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName("web")
        .addEndpoints(LocalityLbEndpoints.newBuilder().setLoadBalancingWeight(UInt32Value.of(7))
            .addLbEndpoints(lb("10.0.0.1", 3, HealthStatus.HEALTHY))
            .addLbEndpoints(lb("10.0.0.2", 1, HealthStatus.UNKNOWN))
            .addLbEndpoints(lb("10.0.0.3", 1, HealthStatus.UNHEALTHY))
            .addLbEndpoints(lb("10.0.0.4", 1, HealthStatus.DRAINING)))
        .addEndpoints(LocalityLbEndpoints.newBuilder().setPriority(1)
            .addLbEndpoints(lb("10.0.1.1", 1, HealthStatus.HEALTHY)))
        .build();
    DecodeContext ctx = DecodeContext.forXdsResource("ClusterLoadAssignment 'web'");
    EndpointAssignment a = ClusterLoadAssignmentDecoder.decode(cla, "", ctx).orElseThrow();
    assertThat(a.endpoints()).containsExactly(new EndpointConfig(new dev.sluice.config.SocketAddressConfig(
        "10.0.0.1", 80), 3), EndpointConfig.of("10.0.0.2", 80));
    assertThat(a.unhealthyEndpoints()).isEqualTo(2);
    assertThat(a.otherPriorityEndpoints()).isEqualTo(1);
  }

  @Test
  void edsEndpointsMustBeIpAddresses() {
    ClusterLoadAssignment cla = ClusterLoadAssignment.newBuilder().setClusterName("web")
        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(lb("web.internal", 1, HealthStatus.HEALTHY)))
        .build();
    DecodeContext ctx = DecodeContext.forXdsResource("ClusterLoadAssignment 'web'");
    assertThat(ClusterLoadAssignmentDecoder.decode(cla, "", ctx)).isEmpty();
    assertThat(ctx.errors()).containsExactly("ClusterLoadAssignment 'web': endpoints[0].lb_endpoints[0].endpoint"
        + ".address.socket_address.address: malformed IP address: 'web.internal' (EDS endpoints must be IP addresses)");
  }

  @Test
  @SuppressWarnings("deprecation") // ConfigSource.path: set only to see it refused
  void edsClustersNeedAnAdsConfigSourceAndNoInlineEndpoints() {
    Cluster ok = Cluster.newBuilder().setName("web").setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS).setServiceName("web-svc"))
        .build();
    DecodeContext ctx = DecodeContext.forXdsResource("Cluster 'web'");
    assertThat(ClusterDecoder.decode(ok, "", ctx)).hasValueSatisfying(c ->
        assertThat(c.type()).isEqualTo(ClusterConfig.DiscoveryType.EDS));
    assertThat(ClusterDecoder.edsSubscription(ok)).isEqualTo(new EdsSubscription("web-svc", Duration.ofSeconds(15)));

    Cluster bad = ok.toBuilder()
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ConfigSource.newBuilder()
            .setPath("/etc/eds.yaml")))
        .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName("web"))
        .build();
    DecodeContext badCtx = DecodeContext.forXdsResource("Cluster 'web'");
    assertThat(ClusterDecoder.decode(bad, "", badCtx)).isEmpty();
    assertThat(badCtx.errors()).containsExactly(
        "Cluster 'web': eds_cluster_config.eds_config.path: field not supported by Sluice (value: '/etc/eds.yaml')",
        "Cluster 'web': load_assignment: an EDS cluster takes its endpoints from EDS; load_assignment is for STATIC"
            + " and STRICT_DNS clusters");
  }

  @Test
  void listenersFromLdsMayTakeTheirRoutesFromRds() {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix("ingress")
        .setRds(Rds.newBuilder().setRouteConfigName("routes").setConfigSource(ADS.toBuilder()
            .setInitialFetchTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(3))))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    Listener listener = Listener.newBuilder().setName("l")
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("0.0.0.0")
            .setPortValue(8080)))
        .setTrafficDirection(io.envoyproxy.envoy.config.core.v3.TrafficDirection.OUTBOUND)
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder().setName("hcm")
            .setTypedConfig(Any.pack(hcm))))
        .build();
    DecodeContext ctx = DecodeContext.forXdsResource("Listener 'l'");
    ListenerConfig decoded = ListenerDecoder.decode(listener, "", ctx).orElseThrow();
    assertThat(decoded.direction()).isEqualTo(ListenerConfig.TrafficDirection.OUTBOUND);
    assertThat(((HttpConnectionManagerConfig) decoded.filterChains().get(0).terminalFilter()).routeConfig())
        .isEqualTo(HttpConnectionManagerDecoder.rdsPlaceholder("routes"));
    assertThat(ListenerDecoder.rdsReferences(listener))
        .containsExactly(new RdsReference(0, "routes", "ingress", Duration.ofSeconds(3)));

    Listener noSource = listener.toBuilder().setFilterChains(0, FilterChain.newBuilder().addFilters(
        Filter.newBuilder().setName("hcm").setTypedConfig(Any.pack(hcm.toBuilder()
            .setRds(Rds.newBuilder().setRouteConfigName("routes")).build())))).build();
    DecodeContext bad = DecodeContext.forXdsResource("Listener 'l'");
    assertThat(ListenerDecoder.decode(noSource, "", bad)).isEmpty();
    assertThat(bad.errors()).containsExactly("Listener 'l': filter_chains[0].filters[0].typed_config.rds"
        + ".config_source: config_source is required (Sluice supports ads: {})");
  }

  @Test
  void secretsHoldPemInlineOrAsFilesAndNeverQuoteKeys() {
    Secret cert = Secret.newBuilder().setName("cert").setTlsCertificate(TlsCertificate.newBuilder()
        .setCertificateChain(DataSource.newBuilder().setInlineBytes(ByteString.copyFromUtf8("CHAIN")))
        .setPrivateKey(DataSource.newBuilder().setInlineString("KEY"))).build();
    SecretConfig s = SecretDecoder.decode(cert, "", DecodeContext.forXdsResource("Secret 'cert'")).orElseThrow();
    assertThat(s).isEqualTo(new SecretConfig("cert", new TlsCertificateConfig.Static(
        new dev.sluice.config.DataSource.InlineBytes("CHAIN".getBytes(StandardCharsets.UTF_8)),
        new dev.sluice.config.DataSource.InlineString("KEY")), null));
    assertThat(s.toString()).doesNotContain("KEY");

    Secret ca = Secret.newBuilder().setName("ca").setValidationContext(CertificateValidationContext.newBuilder()
        .setTrustedCa(DataSource.newBuilder().setFilename("/etc/ca.pem"))).build();
    assertThat(SecretDecoder.decode(ca, "", DecodeContext.forXdsResource("Secret 'ca'")).orElseThrow())
        .isEqualTo(new SecretConfig("ca", null, new dev.sluice.config.DataSource.Filename("/etc/ca.pem")));

    // A key password is sensitive: the message names the field but not its value.
    Secret withPassword = cert.toBuilder().setTlsCertificate(cert.getTlsCertificate().toBuilder()
        .setPassword(DataSource.newBuilder().setInlineString("hunter2"))).build();
    DecodeContext ctx = DecodeContext.forXdsResource("Secret 'cert'");
    assertThat(SecretDecoder.decode(withPassword, "", ctx)).isEmpty();
    assertThat(ctx.errors()).containsExactly("Secret 'cert': tls_certificate.password: field not supported by Sluice"
        + " (value not shown: it may hold key material)");

    DecodeContext empty = DecodeContext.forXdsResource("Secret 'x'");
    assertThat(SecretDecoder.decode(Secret.newBuilder().setName("x").build(), "", empty)).isEmpty();
    assertThat(empty.errors()).containsExactly("Secret 'x': a secret needs tls_certificate or validation_context");
  }
}
