package dev.sluice.conformance.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.conformance.support.Await;
import dev.sluice.conformance.support.Ports;
import dev.sluice.conformance.support.TestBackend;
import dev.sluice.conformance.xds.ManagementServer;
import dev.sluice.conformance.xds.XdsResources;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice run} with a bootstrap naming an ADS server: the process reports LIVE once the
 * first configuration arrived, follows later pushes, shows the dynamic resources in
 * /config_dump, and with {@code --config-cache} starts from the last configuration while the
 * management server is down.
 */
final class XdsRunProcessTest {
  @TempDir Path dir;
  private ManagementServer management;
  private TestBackend b1;
  private TestBackend b2;
  private SluiceProcess proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (management != null) {
      management.close();
    }
    b1.close();
    b2.close();
  }

  private Path bootstrap(int managementPort) throws Exception {
    return Files.writeString(dir.resolve("ads.yaml"), """
        node: {id: vm-1, cluster: vms}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: 0}}}
        dynamic_resources:
          lds_config: {ads: {}, initial_fetch_timeout: 1s}
          cds_config: {ads: {}, initial_fetch_timeout: 1s}
          ads_config:
            api_type: DELTA_GRPC
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
        """.formatted(managementPort));
  }

  /** "status backend" of a request to {@code port}, or the error; never throws, so it can be awaited. */
  private static String backendAt(int port) {
    try {
      HttpResponse<String> r = Traffic.get(port, "/x");
      return r.statusCode() + " " + r.headers().firstValue("x-backend").orElse("-");
    } catch (java.io.IOException e) {
      return "error " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @Test
  void runFollowsTheManagementServerAndRestartsFromTheCacheWhileItIsDown() throws Exception {
    b1 = TestBackend.start("b1");
    b2 = TestBackend.start("b2");
    management = ManagementServer.start();
    int port = Ports.closed();
    management.set(XdsResources.web("1", port, XdsResources.prefixRoute("web-routes", "/", "backend"), b1.port()));
    Path config = bootstrap(management.port());
    Path cache = dir.resolve("cache");

    proxy = SluiceProcess.start(dir, SluiceProcess.QUICK_JVM, "run", "-c", config.toString(),
        "--config-cache", cache.toString());
    Await.until("LIVE", () -> proxy.admin("GET", "/ready").statusCode() == 200);
    // LIVE means the first fetch ended; on a slow start it may have timed out before LDS answered.
    Await.until("traffic reaches b1", () -> backendAt(port).equals("200 b1"));

    management.set(XdsResources.web("2", port, XdsResources.prefixRoute("web-routes", "/", "backend"), b2.port()));
    Await.until("traffic follows the push to b2", () -> backendAt(port).equals("200 b2"));
    String dump = proxy.adminGet("/config_dump");
    assertThat(dump).contains("BootstrapConfigDump", "ListenersConfigDump", "\"web\"", "web-routes");
    assertThat(proxy.adminGet("/stats")).contains("control_plane.connected_state: 1");

    // Restart with the management server gone: the cached configuration serves.
    proxy.close();
    management.close();
    management = null;
    proxy = SluiceProcess.start(dir, SluiceProcess.QUICK_JVM, "run", "-c", config.toString(),
        "--config-cache", cache.toString());
    Await.until("LIVE from the cache", () -> proxy.admin("GET", "/ready").statusCode() == 200);
    Await.until("the cached listener serves", () -> backendAt(port).equals("200 b2"));
    assertThat(proxy.adminGet("/config_dump")).containsPattern("\"serving_from_cache\":\\s*true");
    assertThat(proxy.stderr()).contains("cache");
  }

}
