package dev.sluice.conformance.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.app.ServerOptions;
import dev.sluice.app.SluiceServer;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.conformance.support.Ports;
import dev.sluice.conformance.support.TestBackend;
import dev.sluice.conformance.support.UpdateTraffic;
import dev.sluice.conformance.support.UpdateTraffic.Outcome;
import dev.sluice.snapshot.ConfigSnapshot;
import dev.sluice.xds.XdsClient;
import dev.sluice.xds.XdsClientOptions;
import dev.sluice.xds.bootstrap.BootstrapLoader;
import dev.sluice.xds.bootstrap.LoadedBootstrap;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.CodecType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The continuous-traffic proof over a real management server: requests flow on keep-alive
 * HTTP/1.1 and HTTP/2 connections while java-control-plane pushes 200 updates (route changes,
 * endpoint churn, and a listener replaced every 50). No request may fail, and each must be served
 * by a backend that a configuration live during the request allowed.
 */
class XdsContinuousTrafficTest {
  private static final int UPDATES = 200;
  private static final int BACKENDS = 4;

  private final List<TestBackend> backends = new ArrayList<>();
  private final UpdateTraffic traffic = new UpdateTraffic();
  private ManagementServer management;
  private SluiceServer proxy;
  private XdsClient xds;

  @AfterEach
  void stop() throws Exception {
    if (xds != null) {
      xds.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (management != null) {
      management.close();
    }
    backends.forEach(TestBackend::close);
  }

  private Snapshot snapshot(int version, int h1Port, int h2Port, CodecType h1Codec, Set<String> allowed) {
    List<Integer> ports = new ArrayList<>();
    for (TestBackend b : backends) {
      if (allowed.contains(b.name())) {
        ports.add(b.port());
      }
    }
    RouteConfiguration base = XdsResources.prefixRoute("routes", "/", "backend");
    RouteConfiguration routes = base.toBuilder().addResponseHeadersToAdd(HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey("x-config-version").setValue(Integer.toString(version)))).build();
    return Snapshot.create(List.of(XdsResources.edsCluster("backend")),
        List.of(XdsResources.endpoints("backend", ports.stream().mapToInt(Integer::intValue).toArray())),
        List.of(XdsResources.listener("h1", h1Port, "routes", h1Codec),
            XdsResources.listener("h2", h2Port, "routes", CodecType.AUTO)),
        List.of(routes), List.of(), Integer.toString(version));
  }

  /** The backends that a published snapshot's cluster {@code backend} points at. */
  private Set<String> allowedBy(ConfigSnapshot snapshot) {
    Set<String> allowed = new TreeSet<>();
    ClusterConfig cluster = snapshot.clusters().get("backend");
    if (cluster != null) {
      for (EndpointConfig e : cluster.endpoints()) {
        for (TestBackend b : backends) {
          if (b.port() == e.address().port()) {
            allowed.add(b.name());
          }
        }
      }
    }
    return allowed;
  }

  @ParameterizedTest
  @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
  void noRequestFailsWhileTheManagementServerPushesTwoHundredUpdates(String apiType) throws Exception {
    for (int i = 0; i < BACKENDS; i++) {
      backends.add(TestBackend.start("b" + i));
    }
    management = ManagementServer.start();
    int h1Port = Ports.closed();
    int h2Port = Ports.closed();
    management.set(snapshot(0, h1Port, h2Port, CodecType.HTTP1, Set.of("b0", "b1")));
    LoadedBootstrap loaded = BootstrapLoader.parse("""
        node: {id: traffic, cluster: test}
        dynamic_resources:
          lds_config: {ads: {}}
          cds_config: {ads: {}}
          ads_config:
            api_type: %s
            transport_api_version: V3
            grpc_services: [{envoy_grpc: {cluster_name: xds}}]
        static_resources:
          clusters:
          - name: xds
            type: STATIC
            http2_protocol_options: {}
            load_assignment:
              cluster_name: xds
              endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]
        """.formatted(apiType, management.port()), "bootstrap.yaml");
    proxy = SluiceServer.start(loaded.config(), new ServerOptions(2, Duration.ofSeconds(2), "{}", Map.of()));
    List<String> applyFailures = new CopyOnWriteArrayList<>();
    xds = XdsClient.start(XdsClientOptions.builder(loaded.xds().orElseThrow(), loaded.config().node())
        .staticResources(loaded.config().listeners(), loaded.config().clusters())
        .stats(proxy.stats())
        .build(), snapshot -> {
          long from = System.nanoTime();
          applyFailures.addAll(proxy.apply(snapshot));
          traffic.applied(from, System.nanoTime(), allowedBy(snapshot));
        });
    xds.awaitInitial(Duration.ofSeconds(10)).orElseThrow();

    traffic.startClient("h1", HttpClient.Version.HTTP_1_1, h1Port);
    traffic.startClient("h2", HttpClient.Version.HTTP_2, h2Port);

    Random random = new Random(7);
    CodecType h1Codec = CodecType.HTTP1;
    for (int version = 1; version <= UPDATES; version++) {
      Set<String> allowed = new TreeSet<>();
      while (allowed.isEmpty()) {
        for (int b = 0; b < BACKENDS; b++) {
          if (random.nextBoolean()) {
            allowed.add("b" + b);
          }
        }
      }
      if (version % 50 == 0) {
        h1Codec = h1Codec == CodecType.HTTP1 ? CodecType.AUTO : CodecType.HTTP1;
      }
      management.set(snapshot(version, h1Port, h2Port, h1Codec, allowed));
      // Pushes are paced (about 50 a second, like a busy control plane) so that traffic overlaps them.
      Thread.sleep(20);
    }
    String last = Integer.toString(UPDATES);
    HttpClient probe = HttpClient.newHttpClient();
    dev.sluice.conformance.support.Await.until("the last update served", () -> dev.sluice.conformance.support
        .HttpClients.send(probe, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h2Port + "/")).build())
        .headers().firstValue("x-config-version").orElse("").equals(last));
    List<Outcome> outcomes = traffic.stop();

    assertThat(applyFailures).isEmpty();
    assertThat(management.nacks).isEmpty();
    List<Outcome> failed = outcomes.stream().filter(o -> o.status() != 200).toList();
    assertThat(failed).as("failed requests").isEmpty();
    for (Outcome o : outcomes) {
      assertThat(traffic.allowedDuring(o.sentNanos(), o.doneNanos()))
          .as("backends allowed while %s request ran", o.client())
          .contains(o.backend());
    }
    assertThat(outcomes.stream().filter(o -> o.client().equals("h1")).count()).isGreaterThan(UPDATES / 2);
    assertThat(outcomes.stream().filter(o -> o.client().equals("h2")).count()).isGreaterThan(UPDATES / 2);
    assertThat(proxy.stats().counterValues().get("listener_manager.listener_modified")).isEqualTo(UPDATES / 50);
  }
}
