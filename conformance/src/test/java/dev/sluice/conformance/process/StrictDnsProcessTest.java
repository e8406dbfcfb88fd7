package dev.sluice.conformance.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A STRICT_DNS cluster naming {@code localhost} is resolved by the running proxy and carries traffic. */
final class StrictDnsProcessTest {
  @TempDir Path dir;
  private Backend backend;
  private SluiceProcess proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void localhostResolvesAndServes() throws Exception {
    backend = Backend.start();
    Path config = Bootstraps.write(dir, "strict-dns.yaml", Map.of("BACKEND_PORT", backend.port()));
    proxy = SluiceProcess.start(dir, List.of("-Xmx64m"), "run", "-c", config.toString());

    HttpResponse<String> r = Traffic.get(proxy.listenerPort("ingress"), "/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok");
    // The endpoint is the resolved address; its configured hostname is kept, as Envoy's /clusters shows it.
    String host = "backend::127.0.0.1:" + backend.port() + "::";
    String clusters = proxy.adminGet("/clusters");
    assertThat(clusters).contains(host + "hostname::localhost\n").contains(host + "rq_total::1\n");
  }
}
