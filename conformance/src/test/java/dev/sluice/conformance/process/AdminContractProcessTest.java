package dev.sluice.conformance.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The part of Envoy's admin interface that supervisors, scrapers and operators' tools rely on,
 * read over the admin port of a running proxy process: readiness, stats in Envoy's names and
 * Prometheus form, the dumps, and the POST endpoints that change the server's state.
 */
final class AdminContractProcessTest {
  private static final List<String> JVM = List.of("-Xmx64m");
  private static final Duration STATS_SETTLE = Duration.ofSeconds(10);
  /** One Prometheus text-format sample as Envoy writes it: braces always present, integer value. */
  private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\{([^}]*)} (-?[0-9]+)");

  @TempDir Path dir;
  private Backend backend;
  private SluiceProcess proxy;
  private int port;

  @BeforeEach
  void start() throws IOException {
    backend = Backend.start();
    proxy = SluiceProcess.start(dir, JVM, "run", "-c", Bootstraps.proxy(dir, backend).toString());
    port = proxy.listenerPort("ingress");
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    backend.close();
  }

  @Test
  void readyOnceListenersAreBoundAndStatsMoveWithTraffic() throws Exception {
    Await.until("/ready answers 200", STATS_SETTLE, () -> proxy.admin("GET", "/ready").statusCode() == 200);
    assertThat(proxy.adminGet("/ready")).isEqualTo("LIVE\n");
    assertThat(SluiceProcess.refusesConnections(port)).as("listener bound when ready").isFalse();
    Map<String, Long> before = stats();
    assertThat(before).containsEntry("server.state", 0L) // Envoy: 0 is LIVE
        .containsEntry("listener_manager.workers_started", 1L)
        .containsEntry("http.ingress_http.downstream_rq_total", 0L)
        .containsEntry("cluster.backend.upstream_rq_total", 0L);

    sendThreeRequests();

    Await.until("stats count the three requests", STATS_SETTLE,
        () -> stats().get("http.ingress_http.downstream_rq_2xx") == 3L
            && stats().get("cluster.backend.upstream_rq_total") == 3L);
    Map<String, Long> after = stats();
    assertThat(after).containsEntry("http.ingress_http.downstream_rq_total", 3L)
        .containsEntry("http.ingress_http.downstream_rq_2xx", 3L)
        .containsEntry("cluster.backend.upstream_rq_total", 3L);
    assertThat(after.get("cluster.backend.upstream_cx_total")).isBetween(1L, 3L);
  }

  @Test
  void statsFilterAndJsonFormat() throws Exception {
    sendThreeRequests();
    String filter = "/stats?filter=" + URLEncoder.encode("^cluster\\.backend\\.upstream_rq_total$", StandardCharsets.UTF_8);
    Await.until("the filtered stat reads 3", STATS_SETTLE,
        () -> proxy.adminGet(filter).equals("cluster.backend.upstream_rq_total: 3\n"));

    Map<String, Object> json = Json.object(Json.parse(proxy.adminGet(filter + "&format=json")));
    assertThat(Json.array(json.get("stats")))
        .containsExactly(Map.of("name", "cluster.backend.upstream_rq_total", "value", 3L));
    Map<String, Object> all = Json.object(Json.parse(proxy.adminGet("/stats?format=json")));
    assertThat(Json.array(all.get("stats"))).contains(Map.of("name", "http.ingress_http.downstream_rq_2xx", "value", 3L));
    assertThat(proxy.admin("GET", "/stats?filter=" + URLEncoder.encode("(", StandardCharsets.UTF_8)).statusCode())
        .as("an invalid regex is the client's error").isEqualTo(400);
  }

  @Test
  void prometheusUsesEnvoysNamesAndLabels() throws Exception {
    sendThreeRequests();
    Await.until("stats count the three requests", STATS_SETTLE,
        () -> stats().get("cluster.backend.upstream_rq_total") == 3L);
    String text = proxy.adminGet("/stats/prometheus");

    // Names and labels as Envoy's default tag extractors produce them; counters keep their own
    // names, without the "_total" that Prometheus client libraries would add.
    assertThat(text)
        .contains("# TYPE envoy_http_downstream_rq_total counter\n")
        .contains("envoy_http_downstream_rq_total{envoy_http_conn_manager_prefix=\"ingress_http\"} 3\n")
        .contains("# TYPE envoy_http_downstream_rq_xx counter\n")
        .contains("envoy_http_downstream_rq_xx{envoy_response_code_class=\"2\","
            + "envoy_http_conn_manager_prefix=\"ingress_http\"} 3\n")
        .contains("# TYPE envoy_cluster_upstream_rq_total counter\n")
        .contains("envoy_cluster_upstream_rq_total{envoy_cluster_name=\"backend\"} 3\n")
        .contains("envoy_cluster_upstream_rq_xx{envoy_response_code_class=\"2\",envoy_cluster_name=\"backend\"} 3\n")
        .contains("# TYPE envoy_cluster_upstream_cx_total counter\n")
        .contains("# TYPE envoy_cluster_upstream_cx_connect_fail counter\n")
        .contains("# TYPE envoy_server_state gauge\n")
        .contains("envoy_server_state{} 0\n")
        .doesNotContain("_total_total")
        .doesNotContain("envoy_cluster_upstream_cx_connect_fail_total")
        .doesNotContain("envoy_http_downstream_rq_2xx");
    assertThat(samples(text)).containsKey("envoy_cluster_upstream_cx_total{envoy_cluster_name=\"backend\"}");
    assertThat(proxy.adminGet("/stats?format=prometheus"))
        .contains("envoy_cluster_upstream_rq_total{envoy_cluster_name=\"backend\"} 3\n");
  }

  @Test
  void configDumpClustersAndServerInfo() throws Exception {
    sendThreeRequests();
    Map<String, Object> dump = Json.object(Json.parse(proxy.adminGet("/config_dump")));
    List<Object> configs = Json.array(dump.get("configs"));
    assertThat(configs).allSatisfy(c -> assertThat(Json.object(c)).containsKey("@type"));
    Map<String, Object> bootstrap = Json.object(Json.object(configs.stream()
        .filter(c -> String.valueOf(Json.object(c).get("@type")).endsWith("envoy.admin.v3.BootstrapConfigDump"))
        .findFirst().orElseThrow()).get("bootstrap"));
    Object listener = Json.array(Json.object(bootstrap.get("static_resources")).get("listeners")).get(0);
    assertThat(Json.object(listener).get("name")).isEqualTo("ingress");

    String host = "backend::127.0.0.1:" + backend.port() + "::";
    Await.until("/clusters counts the three requests", STATS_SETTLE,
        () -> proxy.adminGet("/clusters").contains(host + "rq_total::3\n"));
    assertThat(proxy.adminGet("/clusters")).containsPattern(Pattern.quote(host) + "cx_total::[123]\n");
    Map<String, Object> clusters = Json.object(Json.parse(proxy.adminGet("/clusters?format=json")));
    Map<String, Object> backendStatus = Json.object(Json.array(clusters.get("cluster_statuses")).get(0));
    assertThat(backendStatus.get("name")).isEqualTo("backend");
    Map<String, Object> hostStatus = Json.object(Json.array(backendStatus.get("host_statuses")).get(0));
    Map<String, String> hostStats = new LinkedHashMap<>();
    for (Object s : Json.array(hostStatus.get("stats"))) {
      hostStats.put((String) Json.object(s).get("name"), String.valueOf(Json.object(s).get("value")));
    }
    assertThat(hostStats).containsEntry("rq_total", "3").containsKey("cx_total");

    Map<String, Object> info = Json.object(Json.parse(proxy.adminGet("/server_info")));
    assertThat(info.get("state")).isEqualTo("LIVE");
    assertThat(Json.object(info.get("node")).get("id")).isEqualTo("file-node");
  }

  @Test
  void healthcheckFailAndOkFlipReadinessAndRequirePost() {
    HttpResponse<String> get = proxy.admin("GET", "/healthcheck/fail");
    assertThat(get.statusCode()).as("a state-changing endpoint on GET").isEqualTo(405);
    assertThat(proxy.admin("GET", "/ready").statusCode()).as("the GET changed nothing").isEqualTo(200);

    assertThat(proxy.admin("POST", "/healthcheck/fail").statusCode()).isEqualTo(200);
    HttpResponse<String> failing = proxy.admin("GET", "/ready");
    assertThat(failing.statusCode()).isEqualTo(503);
    assertThat(failing.body()).isEqualTo("DRAINING\n");

    assertThat(proxy.admin("POST", "/healthcheck/ok").statusCode()).isEqualTo(200);
    HttpResponse<String> ok = proxy.admin("GET", "/ready");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("LIVE\n");
    assertThat(proxy.admin("GET", "/quitquitquit").statusCode()).isEqualTo(405);
    assertThat(proxy.isAlive()).isTrue();
  }

  @Test
  void drainListenersStopsAcceptingButTheAdminInterfaceStaysUp() throws Exception {
    assertThat(Traffic.get(port, "/").statusCode()).isEqualTo(200);

    assertThat(proxy.admin("POST", "/drain_listeners").statusCode()).isEqualTo(200);

    Await.until("the listener refuses new connections", Duration.ofSeconds(10),
        () -> SluiceProcess.refusesConnections(port));
    assertThat(proxy.admin("GET", "/server_info").statusCode()).isEqualTo(200);
    assertThat(proxy.isAlive()).isTrue();
  }

  @Test
  void quitquitquitExitsZero() {
    assertThat(proxy.admin("POST", "/quitquitquit").statusCode()).isEqualTo(200);
    assertThat(proxy.awaitExit(Duration.ofSeconds(15))).isZero();
  }

  private void sendThreeRequests() throws Exception {
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = Traffic.get(port, "/r" + i);
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  /** {@code GET /stats} in its text form, {@code name: value} per line. */
  private Map<String, Long> stats() {
    Map<String, Long> stats = new LinkedHashMap<>();
    for (String line : proxy.adminGet("/stats").split("\n")) {
      int colon = line.lastIndexOf(": ");
      if (colon > 0) {
        stats.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 2).strip()));
      }
    }
    return stats;
  }

  /**
   * Parses Envoy's Prometheus text: every sample is {@code name{labels} integer}, every family has
   * exactly one {@code # TYPE} line (counter or gauge here), and its samples follow it.
   */
  private static Map<String, Long> samples(String text) {
    Map<String, Long> samples = new LinkedHashMap<>();
    Set<String> typed = new HashSet<>();
    String family = null;
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        assertThat(parts).as(line).hasSize(4);
        assertThat(parts[3]).as(line).isIn("counter", "gauge");
        assertThat(typed.add(parts[2])).as("one TYPE line for %s", parts[2]).isTrue();
        family = parts[2];
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("sample line '%s'", line).isTrue();
      assertThat(m.group(1)).as("sample of the family its TYPE line announced").isEqualTo(family);
      samples.put(m.group(1) + "{" + m.group(2) + "}", Long.parseLong(m.group(3)));
    }
    return samples;
  }
}
