package dev.sluice.conformance.xds;

import static dev.sluice.conformance.xds.XdsResources.prefixRoute;
import static dev.sluice.conformance.xds.XdsResources.regexRoute;
import static dev.sluice.conformance.xds.XdsResources.web;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.app.ServerOptions;
import dev.sluice.app.SluiceServer;
import dev.sluice.conformance.support.Await;
import dev.sluice.conformance.support.HttpClients;
import dev.sluice.conformance.support.Ports;
import dev.sluice.conformance.support.TestBackend;
import dev.sluice.snapshot.ConfigSnapshot;
import dev.sluice.xds.XdsClient;
import dev.sluice.xds.XdsClientOptions;
import dev.sluice.xds.bootstrap.BootstrapLoader;
import dev.sluice.xds.bootstrap.LoadedBootstrap;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The proxy wired as {@code sluice run} wires a bootstrap with {@code dynamic_resources}: the
 * loader names the ADS server, the xDS client's snapshots go to the running server, and requests
 * follow what the management server says.
 */
class XdsConfiguredProxyTest {
  private final HttpClient http = HttpClients.http1();
  private final List<String> applyFailures = new CopyOnWriteArrayList<>();
  private ManagementServer management;
  private TestBackend b1;
  private TestBackend b2;
  private SluiceServer proxy;
  private XdsClient xds;
  private int port;

  @BeforeEach
  void start() throws Exception {
    management = ManagementServer.start();
    b1 = TestBackend.start("b1");
    b2 = TestBackend.start("b2");
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
    b1.close();
    b2.close();
  }

  private String bootstrap(String apiType, String initialFetchTimeout) {
    return """
        node: {id: gateway-1, cluster: gateways}
        dynamic_resources:
          lds_config: {ads: {}, initial_fetch_timeout: %2$s}
          cds_config: {ads: {}, initial_fetch_timeout: %2$s}
          ads_config:
            api_type: %1$s
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
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %3$d}}}
        """.formatted(apiType, initialFetchTimeout, management.port());
  }

  /** Starts the proxy and the xDS client the way the app wires them; returns the first snapshot. */
  private ConfigSnapshot startProxy(String bootstrapYaml, Path configCache) throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.parse(bootstrapYaml, "bootstrap.yaml");
    proxy = SluiceServer.start(loaded.config(), new ServerOptions(1, Duration.ofSeconds(1), loaded.configDumpJson(),
        Map.of()));
    XdsClientOptions.Builder options = XdsClientOptions.builder(loaded.xds().orElseThrow(), loaded.config().node())
        .staticResources(loaded.config().listeners(), loaded.config().clusters())
        .stats(proxy.stats());
    if (configCache != null) {
      options.configCache(configCache);
    }
    xds = XdsClient.start(options.build(), snapshot -> applyFailures.addAll(proxy.apply(snapshot)));
    return xds.awaitInitial(Duration.ofSeconds(10)).orElseThrow();
  }

  private HttpResponse<String> get(String path) {
    return HttpClients.send(http, HttpClients.get(URI.create("http://127.0.0.1:" + port + path)));
  }

  private String backendOf(String path) {
    HttpResponse<String> r = get(path);
    return r.statusCode() + " " + r.headers().firstValue("x-backend").orElse("-");
  }

  @ParameterizedTest
  @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
  void requestsFollowRoutesAndEndpointsFromTheManagementServer(String apiType) throws Exception {
    management.set(web("1", port, prefixRoute("web-routes", "/", "backend"), b1.port()));
    startProxy(bootstrap(apiType, "10s"), null);
    assertThat(backendOf("/")).isEqualTo("200 b1");

    management.set(web("2", port, prefixRoute("web-routes", "/", "backend"), b2.port()));
    Await.until("endpoints moved to b2", () -> backendOf("/").equals("200 b2"));
    for (int i = 0; i < 4; i++) {
      assertThat(backendOf("/")).isEqualTo("200 b2");
    }

    management.set(web("3", port, prefixRoute("web-routes", "/v2/", "backend"), b2.port()));
    Await.until("the route narrowed to /v2/", () -> get("/").statusCode() == 404);
    assertThat(backendOf("/v2/users")).isEqualTo("200 b2");

    // An invalid update is NACKed with its message; the proxy keeps serving the last good one.
    management.set(web("4", port, regexRoute("web-routes", "/v2/(", "backend"), b2.port()));
    Await.until("the NACK", () -> management.nacks.stream().anyMatch(m -> m.contains("RouteConfiguration"
        + " 'web-routes': virtual_hosts[0].routes[0].match.safe_regex")));
    assertThat(backendOf("/v2/users")).isEqualTo("200 b2");
    assertThat(applyFailures).isEmpty();
    assertThat(proxy.stats().counterValues()).containsKey("http.web.rds.web-routes.update_rejected");
  }

  @Test
  void aRestartDuringAnOutageServesTheCachedConfiguration(@TempDir Path cache) throws Exception {
    management.set(web("1", port, prefixRoute("web-routes", "/", "backend"), b1.port()));
    startProxy(bootstrap("DELTA_GRPC", "10s"), cache);
    assertThat(backendOf("/")).isEqualTo("200 b1");
    xds.close();
    xds = null;
    proxy.close();
    proxy = null;
    management.stop();

    ConfigSnapshot cached = startProxy(bootstrap("DELTA_GRPC", "0.3s"), cache);
    assertThat(cached.version()).contains("from config cache");
    assertThat(xds.isServingFromCache()).isTrue();
    assertThat(xds.configDumpJson()).contains("\"serving_from_cache\": true");
    assertThat(backendOf("/")).isEqualTo("200 b1");
  }
}
