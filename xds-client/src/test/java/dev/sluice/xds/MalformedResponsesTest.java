package dev.sluice.xds;

import static dev.sluice.xds.TestResources.edsCluster;
import static dev.sluice.xds.TestResources.listener;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.CodecType;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.HeaderMutations;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.NodeConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.xds.resource.XdsServerConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Responses no well-behaved server sends: each is NACKed with a message naming the resource and
 * field, the valid resources beside it still apply, and the client carries on.
 */
class MalformedResponsesTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String LDS = ResourceKind.LISTENER.typeUrl;
  private static final String CDS = ResourceKind.CLUSTER.typeUrl;
  private static final String RDS = ResourceKind.ROUTE_CONFIG.typeUrl;
  private static final ListenerConfig STATIC_LISTENER = new ListenerConfig("static",
      new SocketAddressConfig("127.0.0.1", 15000), List.of(new FilterChainConfig("",
          HttpConnectionManagerConfig.withDefaults("static", CodecType.AUTO,
              new RouteConfig("static", List.of(), HeaderMutations.NONE)))));
  private static final ClusterConfig STATIC_CLUSTER =
      ClusterConfig.ofStatic("xds_cluster", List.of(EndpointConfig.of("127.0.0.1", 18000)));

  private ScriptedAdsServer server;
  private XdsClient client;
  private int nonce;

  @BeforeEach
  void start() throws Exception {
    server = new ScriptedAdsServer();
    XdsServerConfig sotw = XdsServerConfig.of(XdsServerConfig.ApiType.GRPC, server.target())
        .withInitialFetchTimeout(Duration.ZERO);
    client = XdsClient.start(XdsClientOptions.builder(sotw, new NodeConfig("node", "cluster", java.util.Map.of()))
        .staticResources(List.of(STATIC_LISTENER), List.of(STATIC_CLUSTER))
        .build(), snapshot -> { });
    server.await(r -> r.getTypeUrl().equals(LDS), WAIT);
    server.await(r -> r.getTypeUrl().equals(CDS), WAIT);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
  }

  private String send(String typeUrl, String version, Any... resources) {
    String n = "n" + (++nonce);
    server.send(DiscoveryResponse.newBuilder().setTypeUrl(typeUrl).setVersionInfo(version).setNonce(n)
        .addAllResources(List.of(resources)).build());
    return n;
  }

  private DiscoveryRequest reply(String nonce) throws InterruptedException {
    return server.await(r -> r.getResponseNonce().equals(nonce), WAIT);
  }

  private static Any any(Message m) {
    return Any.pack(m);
  }

  @Test
  void duplicateNamesAreNackedNamingThemWhileTheOtherResourcesApply() throws Exception {
    String n = send(LDS, "1", any(listener("a", 10001, "r")), any(listener("a", 10002, "r")),
        any(listener("b", 10003, "r2")));
    DiscoveryRequest nack = reply(n);
    assertThat(nack.getErrorDetail().getMessage())
        .isEqualTo("Listener 'a': the response contains more than one resource of this name");
    assertThat(nack.getVersionInfo()).isEmpty();
    // Listener b was valid and applied: the client now asks for its routes.
    server.await(r -> r.getTypeUrl().equals(RDS) && r.getResourceNamesList().equals(List.of("r2")), WAIT);
  }

  @Test
  void foreignTypesAndUnparseableBytesAreNackedAndTheClientCarriesOn() throws Exception {
    Any garbage = Any.newBuilder().setTypeUrl(LDS).setValue(ByteString.copyFrom(new byte[] {(byte) 0xff, 1, 2}))
        .build();
    String n = send(LDS, "1", any(edsCluster("not-a-listener")), garbage);
    String message = reply(n).getErrorDetail().getMessage();
    assertThat(message).contains("Listener #0: a resource of type 'type.googleapis.com/envoy.config.cluster.v3.Cluster'"
        + " in a Listener response");
    assertThat(message).contains("Listener #1: cannot parse");

    String ok = send(LDS, "2", any(listener("a", 10001, "r")));
    DiscoveryRequest ack = reply(ok);
    assertThat(ack.hasErrorDetail()).isFalse();
    assertThat(ack.getVersionInfo()).isEqualTo("2");
  }

  @Test
  void staticResourcesAndTakenAddressesCannotBeReplaced() throws Exception {
    String n = send(LDS, "1", any(listener("static", 10001, "r")), any(listener("c", 15000, "r")));
    assertThat(reply(n).getErrorDetail().getMessage().split("\n")).containsExactly(
        "Listener 'static': name: a static listener of this name exists; a static listener cannot be replaced over"
            + " xDS",
        "Listener 'c': address: address 127.0.0.1:15000 is already used by static listener 'static'");
    String c = send(CDS, "1", any(edsCluster("xds_cluster")));
    assertThat(reply(c).getErrorDetail().getMessage()).isEqualTo("Cluster 'xds_cluster': name: a static cluster"
        + " of this name exists; a static cluster cannot be replaced over xDS");
  }

  @Test
  void inlineRoutesMustNameExistingClusters() throws Exception {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix("inline")
        .setRouteConfig(RouteConfiguration.newBuilder().setName("inline").addVirtualHosts(VirtualHost.newBuilder()
            .setName("all").addDomains("*").addRoutes(Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster("ghost")))))
        .addHttpFilters(TestResources.router()).build();
    Listener inline = listener("inline", 10004, "unused").toBuilder().setFilterChains(0,
        listener("x", 1, "y").getFilterChains(0).toBuilder().setFilters(0,
            listener("x", 1, "y").getFilterChains(0).getFilters(0).toBuilder().setTypedConfig(Any.pack(hcm)))).build();
    String n = send(LDS, "1", any(inline));
    assertThat(reply(n).getErrorDetail().getMessage()).isEqualTo("Listener 'inline': filter_chains[0].filters[0]"
        + ".typed_config.route_config.virtual_hosts[0].routes[0].route.cluster: unknown cluster 'ghost': no static or"
        + " CDS cluster of that name exists");

    String c = send(CDS, "1", any(edsCluster("ghost")));
    assertThat(reply(c).hasErrorDetail()).isFalse();
    String again = send(LDS, "2", any(inline));
    assertThat(reply(again).hasErrorDetail()).isFalse();
  }

  @Test
  void aRejectedResponseSentAgainIsNackedAgain() throws Exception {
    Cluster bad = edsCluster("bad").toBuilder().setLbPolicy(Cluster.LbPolicy.MAGLEV).build();
    String first = send(CDS, "1", any(bad));
    assertThat(reply(first).getErrorDetail().getMessage()).contains("Cluster 'bad': lb_policy: lb_policy MAGLEV");
    // The same response again (as a cache-backed server sends it): answered, after a short pause.
    String second = send(CDS, "1", any(bad));
    DiscoveryRequest nack = reply(second);
    assertThat(nack.getErrorDetail().getMessage()).contains("lb_policy MAGLEV");
    String good = send(CDS, "2", any(edsCluster("good")));
    assertThat(reply(good).getVersionInfo()).isEqualTo("2");
  }
}
