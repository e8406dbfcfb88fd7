package dev.sluice.xds.bootstrap;

import static dev.sluice.xds.bootstrap.BootstrapErrorsTest.errors;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.xds.resource.XdsServerConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code dynamic_resources}: the ADS server a bootstrap names, and what is refused, with its path. */
class DynamicResourcesTest {
  /** Envoy's own ADS bootstrap shape (xds_protocol, "Aggregated Discovery Service"), as Istio writes it. */
  private static final String ENVOY_ADS = """
      node: {id: "router~10.0.0.1~gw.default~default.svc.cluster.local", cluster: gw}
      dynamic_resources:
        lds_config: {ads: {}, initial_fetch_timeout: 0s, resource_api_version: V3}
        cds_config: {ads: {}, resource_api_version: V3}
        ads_config:
          api_type: DELTA_GRPC
          transport_api_version: V3
          set_node_on_first_message_only: true
          grpc_services:
          - envoy_grpc:
              cluster_name: xds-grpc
              retry_policy: {retry_back_off: {base_interval: 0.25s, max_interval: 10s}}
            initial_metadata: [{key: ClusterID, value: Kubernetes}]
      static_resources:
        clusters:
        - name: xds-grpc
          type: STRICT_DNS
          connect_timeout: 1s
          http2_protocol_options: {}
          upstream_connection_options: {tcp_keepalive: {keepalive_time: 300}}
          load_assignment:
            cluster_name: xds-grpc
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: istiod.istio-system.svc, port_value: 15010}}}
      """;

  @Test
  void anEnvoyAdsBootstrapLoads() throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.parse(ENVOY_ADS, "envoy.yaml");
    XdsServerConfig xds = loaded.xds().orElseThrow();
    assertThat(xds.apiType()).isEqualTo(XdsServerConfig.ApiType.DELTA_GRPC);
    assertThat(xds.target()).isEqualTo("dns:///istiod.istio-system.svc:15010");
    assertThat(xds.ldsInitialFetchTimeout()).contains(Duration.ZERO);
    assertThat(xds.cdsInitialFetchTimeout()).contains(Duration.ofSeconds(15));
    assertThat(xds.retryBaseInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(xds.retryMaxInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(xds.setNodeOnFirstMessageOnly()).isTrue();
    assertThat(xds.initialMetadata()).isEqualTo(Map.of("clusterid", "Kubernetes"));
    assertThat(xds.description()).isEqualTo("envoy_grpc cluster 'xds-grpc' (dns:///istiod.istio-system.svc:15010)");
    // The ADS cluster stays a static cluster of the snapshot.
    assertThat(loaded.config().clusters()).extracting(c -> c.name()).containsExactly("xds-grpc");
  }

  @Test
  void googleGrpcNamesATargetAndStateOfTheWorldIsTheGrpcApiType() throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.parse("""
        dynamic_resources:
          cds_config: {ads: {}}
          ads_config:
            api_type: GRPC
            grpc_services: [{google_grpc: {target_uri: "xds.example:18000", stat_prefix: ads}}]
        """, "g.yaml");
    XdsServerConfig xds = loaded.xds().orElseThrow();
    assertThat(xds.apiType()).isEqualTo(XdsServerConfig.ApiType.GRPC);
    assertThat(xds.target()).isEqualTo("xds.example:18000");
    assertThat(xds.ldsInitialFetchTimeout()).isEmpty();
    assertThat(xds.cdsInitialFetchTimeout()).contains(Duration.ofSeconds(15));
    assertThat(xds.retryBaseInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(xds.retryMaxInterval()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aStaticBootstrapHasNoServer() throws Exception {
    assertThat(BootstrapLoader.parse(Bootstraps.minimal(), "s.yaml").xds()).isEqualTo(Optional.empty());
  }

  @Test
  void whatIsRefusedIsNamedWithItsPath() {
    assertThat(errors("""
        dynamic_resources:
          lds_config: {path_config_source: {path: /etc/lds.yaml}}
          cds_config: {ads: {}, resource_api_version: V2}
          ads_config:
            api_type: REST
            transport_api_version: V3
            grpc_services:
            - envoy_grpc: {cluster_name: nowhere}
        """)).containsExactly(
        "test.yaml: dynamic_resources.lds_config.path_config_source: field not supported by Sluice (value:"
            + " {path: \"/etc/lds.yaml\"})",
        "test.yaml: dynamic_resources.cds_config.resource_api_version: the v2 xDS API is not supported; use V3",
        "test.yaml: dynamic_resources.ads_config.api_type: api_type REST is not supported by Sluice (supported: GRPC,"
            + " DELTA_GRPC)",
        "test.yaml: dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name: unknown cluster 'nowhere':"
            + " the ADS server must be a cluster of static_resources.clusters");
  }

  @Test
  void theAdsClusterNeedsExactlyOneEndpointAndTlsIsNotThereYet() {
    assertThat(errors("""
        dynamic_resources:
          lds_config: {ads: {}}
          ads_config:
            api_type: GRPC
            grpc_services: [{envoy_grpc: {cluster_name: xds}}]
        static_resources:
          clusters:
          - name: xds
            load_assignment:
              cluster_name: xds
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 18000}}}
                - endpoint: {address: {socket_address: {address: 10.0.0.2, port_value: 18000}}}
        """)).containsExactly("test.yaml: dynamic_resources.ads_config.grpc_services[0].envoy_grpc.cluster_name:"
        + " the ADS cluster 'xds' must have exactly one endpoint (found 2)");
    assertThat(errors("""
        dynamic_resources:
          ads_config:
            api_type: GRPC
            grpc_services:
            - google_grpc:
                target_uri: xds.example:443
                stat_prefix: ads
                channel_credentials: {ssl_credentials: {}}
        """)).containsExactly("test.yaml: dynamic_resources.ads_config.grpc_services[0].google_grpc"
        + ".channel_credentials.ssl_credentials: field not supported by Sluice (value not shown: it may hold key"
        + " material)");
    // An UpstreamTlsContext decodes for a data-plane cluster, but the ADS channel would ignore it.
    assertThat(errors("""
        dynamic_resources:
          ads_config:
            api_type: GRPC
            grpc_services: [{envoy_grpc: {cluster_name: xds}}]
        static_resources:
          clusters:
          - name: xds
            transport_socket:
              name: envoy.transport_sockets.tls
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
                sni: xds.example
            load_assignment:
              cluster_name: xds
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 18000}}}
        """)).containsExactly("test.yaml: static_resources.clusters[0].transport_socket: TLS to the ADS server is not"
        + " supported yet: the ADS channel is plaintext");
  }

  @Test
  void ldsOverAdsNeedsAnAdsServer() {
    assertThat(errors("""
        dynamic_resources:
          lds_config: {ads: {}}
        """)).containsExactly("test.yaml: dynamic_resources.ads_config: ads_config is required: lds_config and"
        + " cds_config use ads");
  }

  @Test
  void http2IsAcceptedOnlyOnTheAdsCluster() {
    assertThat(errors(Bootstraps.file(java.util.List.of(), java.util.List.of("""
        - name: web
          http2_protocol_options: {}
          load_assignment:
            cluster_name: web
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 10.0.0.1, port_value: 80}}}
        """)))).singleElement().asString()
        .startsWith("test.yaml: static_resources.clusters[0].http2_protocol_options: field not supported by Sluice");
  }
}
