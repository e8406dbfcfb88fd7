package dev.sluice.conformance.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM drains: the listening socket closes at once, requests in flight finish, and the process
 * exits 0, which a supervisor reads as a clean stop. The backend holds requests until the test
 * releases them, so "in flight" is a fact the test waits for rather than a timing guess.
 */
final class GracefulDrainProcessTest {
  private static final List<String> JVM = List.of("-Xmx64m");

  @TempDir Path dir;
  private Backend backend;
  private SluiceProcess proxy;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

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
  void sigtermClosesTheListenerLetsRequestsInFlightFinishAndExitsZero() throws Exception {
    proxy = SluiceProcess.start(dir, JVM, "run", "-c", Bootstraps.proxy(dir, backend).toString(),
        "--drain-time-s", "30");
    int port = proxy.listenerPort("ingress");
    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inFlight.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hold")).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    Await.until("3 requests are held by the backend", Duration.ofSeconds(10), () -> backend.heldRequests() == 3);

    proxy.terminate();

    Await.until("the listener refuses new connections", Duration.ofSeconds(10),
        () -> SluiceProcess.refusesConnections(port));
    assertThat(proxy.isAlive()).as("still draining while requests are in flight").isTrue();
    // Envoy's /ready answers 503 DRAINING while the server drains.
    HttpResponse<String> ready = proxy.admin("GET", "/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo("DRAINING\n");

    backend.release();
    for (CompletableFuture<HttpResponse<String>> f : inFlight) {
      HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("released");
    }
    assertThat(proxy.awaitExit(Duration.ofSeconds(30))).as("exit code after a drained SIGTERM").isZero();
    assertThat(proxy.stderr()).doesNotContain("Exception in thread");
  }

  @Test
  void sigtermWithARequestOutlastingTheDrainTimeExitsZeroAfterTheDrainTime() throws Exception {
    proxy = SluiceProcess.start(dir, JVM, "run", "-c", Bootstraps.proxy(dir, backend).toString(),
        "--drain-time-s", "1");
    int port = proxy.listenerPort("ingress");
    CompletableFuture<HttpResponse<String>> stuck = client.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hold")).build(),
        HttpResponse.BodyHandlers.ofString());
    Await.until("the request is held by the backend", Duration.ofSeconds(10), () -> backend.heldRequests() == 1);

    long signalled = System.nanoTime();
    proxy.terminate();
    int exit = proxy.awaitExit(Duration.ofSeconds(20));
    Duration took = Duration.ofNanos(System.nanoTime() - signalled);

    assertThat(exit).isZero();
    // Margins are wide on purpose: this shows the drain time is honoured, not how precisely.
    assertThat(took).as("waited for the request in flight").isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(took).as("gave up on it after about the drain time").isLessThan(Duration.ofSeconds(15));
    assertThat(outcome(stuck)).as("the request cut off by the drain timeout").isNotEqualTo("200");
  }

  @Test
  void sigtermClosesIdleKeepAliveConnectionsRatherThanWaitingOutTheDrainTime() throws Exception {
    proxy = SluiceProcess.start(dir, JVM, "run", "-c", Bootstraps.proxy(dir, backend).toString(),
        "--drain-time-s", "60");
    int port = proxy.listenerPort("ingress");
    try (Socket idle = new Socket("127.0.0.1", port)) {
      idle.setSoTimeout(20_000);
      OutputStream out = idle.getOutputStream();
      out.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = idle.getInputStream();
      String head = readUntil(in, "\r\n\r\nok");
      assertThat(head).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("connection: close");

      proxy.terminate();

      // An idle connection has nothing to finish: the proxy closes it and exits long before 60 s.
      assertThat(proxy.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(in.read()).as("the idle connection was closed").isEqualTo(-1);
    }
  }

  private static String readUntil(InputStream in, String end) throws IOException {
    StringBuilder b = new StringBuilder();
    while (b.indexOf(end) < 0) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed after: " + b);
      }
      b.append((char) c);
    }
    return b.toString();
  }

  private static String outcome(CompletableFuture<HttpResponse<String>> f) throws InterruptedException {
    try {
      return Integer.toString(f.get(10, TimeUnit.SECONDS).statusCode());
    } catch (ExecutionException e) {
      return "failed: " + e.getCause();
    } catch (TimeoutException e) {
      return "no answer";
    }
  }
}
