package dev.sluice.conformance.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.sluice.app.ServerOptions;
import dev.sluice.app.SluiceServer;
import dev.sluice.conformance.support.Await;
import dev.sluice.conformance.support.Ports;
import dev.sluice.conformance.support.RawHttpConnection;
import dev.sluice.conformance.support.TestBackend;
import dev.sluice.conformance.support.TlsClients;
import dev.sluice.conformance.xds.ManagementServer;
import dev.sluice.conformance.xds.XdsResources;
import dev.sluice.tls.TestPki;
import dev.sluice.xds.XdsClient;
import dev.sluice.xds.XdsClientOptions;
import dev.sluice.xds.bootstrap.BootstrapLoader;
import dev.sluice.xds.bootstrap.LoadedBootstrap;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A listener whose certificate is an SDS secret on the ADS stream: it starts serving once the
 * secret arrives, rotates when the management server pushes a new one (new connections get the
 * new certificate, open ones keep working), and waits while its secret is missing.
 */
@Timeout(60)
class SdsRotationTest {
  private final TestPki.Issued ca = TestPki.ca("sds-ca");
  private ManagementServer management;
  private TestBackend backend;
  private SluiceServer proxy;
  private XdsClient xds;
  private int port;

  @BeforeEach
  void start() throws Exception {
    management = ManagementServer.start();
    backend = TestBackend.start("b1");
    port = Ports.closed();
  }

  @AfterEach
  void stop() throws Exception {
    if (xds != null) {
      xds.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    management.close();
    backend.close();
  }

  /** ADS with a short initial fetch timeout: a listener waits that long for a missing secret before it is published. */
  private static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
        .setInitialFetchTimeout(com.google.protobuf.Duration.newBuilder().setNanos(500_000_000)).build();
  }

  /** The plain web listener of {@link XdsResources} with a TLS transport socket naming SDS secret {@code secretName}. */
  private Listener tlsListener(String secretName) {
    Listener plain = XdsResources.listener("web", port, "web-routes");
    DownstreamTlsContext tls = DownstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName(secretName).setSdsConfig(ads())))
        .build();
    return plain.toBuilder().setFilterChains(0, plain.getFilterChains(0).toBuilder()
        .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
            .setTypedConfig(Any.pack(tls)))).build();
  }

  private static Secret secret(String name, TestPki.Issued issued) {
    return Secret.newBuilder().setName(name).setTlsCertificate(TlsCertificate.newBuilder()
        .setCertificateChain(DataSource.newBuilder().setInlineString(issued.certificatePem()))
        .setPrivateKey(DataSource.newBuilder().setInlineString(issued.keyPem()))).build();
  }

  private Snapshot snapshot(String version, String secretName, Secret... secrets) {
    return Snapshot.create(List.of(XdsResources.edsCluster("backend")), List.of(XdsResources.endpoints("backend",
        backend.port())), List.of(tlsListener(secretName)), List.of(XdsResources.prefixRoute("web-routes", "/", "backend")),
        List.of(secrets), version);
  }

  private void startProxy(String initialFetchTimeout) throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.parse("""
        node: {id: gateway-1, cluster: gateways}
        dynamic_resources:
          lds_config: {ads: {}, initial_fetch_timeout: %2$s}
          cds_config: {ads: {}, initial_fetch_timeout: %2$s}
          ads_config:
            api_type: DELTA_GRPC
            transport_api_version: V3
            grpc_services: [{envoy_grpc: {cluster_name: xds_cluster}}]
        static_resources:
          clusters:
          - name: xds_cluster
            type: STATIC
            http2_protocol_options: {}
            load_assignment:
              cluster_name: xds_cluster
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %1$d}}}
        """.formatted(management.port(), initialFetchTimeout), "bootstrap.yaml");
    proxy = SluiceServer.start(loaded.config(), new ServerOptions(1, Duration.ofSeconds(1), loaded.configDumpJson(),
        Map.of()));
    XdsClientOptions.Builder options = XdsClientOptions.builder(loaded.xds().orElseThrow(), loaded.config().node())
        .staticResources(loaded.config().listeners(), loaded.config().clusters())
        .stats(proxy.stats());
    xds = XdsClient.start(options.build(), proxy::apply);
    xds.awaitInitial(Duration.ofSeconds(10)).orElseThrow();
  }

  private RawHttpConnection connect() {
    return RawHttpConnection.openTls(new InetSocketAddress("127.0.0.1", port), TlsClients.jdkClient(ca, null), null);
  }

  private java.math.BigInteger servedSerial() {
    try (RawHttpConnection c = connect()) {
      assertThat(c.exchange("GET", "/", "Host: web").status()).isEqualTo(200);
      return TlsClients.peerLeaf(c.tlsSession()).getSerialNumber();
    }
  }

  @Test
  void aPushedSecretRotatesTheCertificateForNewConnectionsOnly() throws Exception {
    TestPki.Issued first = TestPki.leaf(ca, "web-1", List.of(), List.of("web.test"));
    TestPki.Issued second = TestPki.leaf(ca, "web-2", List.of(), List.of("web.test"));
    management.set(snapshot("1", "default", secret("default", first)));
    startProxy("10s");
    Await.until("the listener serves", () -> canConnect(port));
    assertThat(servedSerial()).isEqualTo(first.serial());

    try (RawHttpConnection open = connect()) {
      assertThat(open.exchange("GET", "/before", "Host: web").status()).isEqualTo(200);
      management.set(snapshot("2", "default", secret("default", second)));
      Await.until("new connections get the new certificate", () -> servedSerial().equals(second.serial()));
      assertThat(open.exchange("GET", "/after", "Host: web").status()).as("the open connection is not dropped")
          .isEqualTo(200);
      assertThat(TlsClients.peerLeaf(open.tlsSession()).getSerialNumber()).isEqualTo(first.serial());
    }
  }

  @Test
  void aListenerWaitsForAMissingSecretAndServesOnceItArrives() throws Exception {
    management.set(snapshot("1", "late"));
    startProxy("0.5s");
    Await.until("the listener is warming", () -> proxy.stats().gaugeValues()
        .getOrDefault("listener_manager.total_listeners_warming", 0L) == 1);
    assertThat(canConnect(port)).as("nothing accepts connections without a certificate").isFalse();
    assertThat(proxy.stats().counterValues()).as("the missing secret is reported").containsEntry("sds.late.init_fetch_timeout", 1L);
    assertThat(proxy.listeners()).as("no active listener").isEmpty();

    TestPki.Issued late = TestPki.leaf(ca, "late", List.of(), List.of("web.test"));
    management.set(snapshot("2", "late", secret("late", late)));
    Await.until("the listener serves", () -> canConnect(port));
    assertThat(servedSerial()).isEqualTo(late.serial());
  }

  private static boolean canConnect(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
