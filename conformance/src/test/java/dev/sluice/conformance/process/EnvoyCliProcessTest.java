package dev.sluice.conformance.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A supervisor written for Envoy (Istio's pilot-agent passes flags like these) can start Sluice
 * unchanged: the flags that mean something are applied, those that do not are reported once each
 * and otherwise ignored, and {@code sluice -c FILE} works as {@code envoy -c FILE} does.
 */
final class EnvoyCliProcessTest {
  private static final List<String> JVM = List.of("-Xmx64m");

  @TempDir Path dir;
  private Backend backend;
  private SluiceProcess proxy;

  @BeforeEach
  void startBackend() throws IOException {
    backend = Backend.start();
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    backend.close();
  }

  @Test
  void envoyFlagsAreAppliedOrReportedOnceAsIgnored() throws Exception {
    proxy = SluiceProcess.start(dir, JVM, "run", "-c", Bootstraps.proxy(dir, backend).toString(),
        "--disable-hot-restart", "--base-id", "1", "--drain-strategy", "immediate", "--concurrency", "2",
        "--service-node", "n1", "--service-cluster", "c1", "-l", "warning");

    assertThat(Traffic.get(proxy.listenerPort("ingress"), "/").statusCode()).isEqualTo(200);
    String log = proxy.stderr() + proxy.stdout();
    for (String ignored : List.of("--disable-hot-restart", "--base-id", "--drain-strategy")) {
      assertThat(occurrences(log, ignored)).as("reports of %s in:\n%s", ignored, log).isEqualTo(1);
    }
    Map<String, Object> info = Json.object(Json.parse(proxy.adminGet("/server_info")));
    assertThat(info.get("state")).isEqualTo("LIVE");
    // The flags override node.id and node.cluster of the file (file-node, file-cluster).
    Map<String, Object> node = Json.object(info.get("node"));
    assertThat(node.get("id")).isEqualTo("n1");
    assertThat(node.get("cluster")).isEqualTo("c1");
    Map<String, Object> options = Json.object(info.get("command_line_options"));
    assertThat(options.get("concurrency")).isEqualTo(2L);
    assertThat(options.get("service_node")).isEqualTo("n1");
    assertThat(options.get("service_cluster")).isEqualTo("c1");
    assertThat(options.get("log_level")).isEqualTo("warning");
    String filter = URLEncoder.encode("^server\\.concurrency$", StandardCharsets.UTF_8);
    assertThat(proxy.adminGet("/stats?filter=" + filter)).isEqualTo("server.concurrency: 2\n");
  }

  @Test
  void aFirstArgumentThatIsAFlagMeansRun() throws Exception {
    proxy = SluiceProcess.start(dir, JVM, "-c", Bootstraps.proxy(dir, backend).toString());

    assertThat(Traffic.get(proxy.listenerPort("ingress"), "/").body()).isEqualTo("ok");
    assertThat(proxy.adminGet("/ready")).isEqualTo("LIVE\n");
  }

  private static int occurrences(String text, String literal) {
    Matcher m = Pattern.compile(Pattern.quote(literal) + "(?![\\w-])").matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
