package dev.sluice.conformance.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bodies stream through the proxy with backpressure: 200 MB each way through a proxy whose heap
 * and direct memory are capped at 64 MB, so any aggregation of a body would end in an
 * OutOfMemoryError. Both ends checksum the bytes.
 */
final class StreamingProcessTest {
  private static final long SIZE = 200 * Payload.MIB;
  /** -Xmx also caps direct memory (MaxDirectMemorySize defaults to it), which is where Netty's buffers live. */
  private static final List<String> SMALL_HEAP = List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m");
  private static final long EXPECTED_CRC = Payload.crc32(SIZE);

  @TempDir Path dir;
  private Backend backend;
  private SluiceProcess proxy;
  private HttpClient client;
  private int port;

  @BeforeEach
  void start() throws IOException {
    backend = Backend.start();
    proxy = SluiceProcess.start(dir, SMALL_HEAP, "run", "-c", Bootstraps.proxy(dir, backend).toString());
    port = proxy.listenerPort("ingress");
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"chunked", "content-length"})
  void uploadOf200MegabytesStreamsThroughA64MegabyteProxy(String framing) throws Exception {
    BodyPublisher chunked = HttpRequest.BodyPublishers.ofInputStream(() -> Payload.stream(SIZE));
    // A publisher of known length makes the client send content-length; of unknown length, chunked.
    BodyPublisher body = framing.equals("chunked") ? chunked : HttpRequest.BodyPublishers.fromPublisher(chunked, SIZE);
    HttpResponse<String> response = client.send(
        HttpRequest.newBuilder(uri("/upload")).timeout(Duration.ofSeconds(120)).POST(body).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    // Envoy forwards an HTTP/1.1 body with the framing it arrived in; the backend reports what it saw.
    assertThat(response.body()).as("bytes, CRC32 and framing the backend received")
        .isEqualTo(SIZE + " " + EXPECTED_CRC + " " + framing);
    assertStillServing();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"chunked", "content-length"})
  void downloadOf200MegabytesStreamsThroughA64MegabyteProxy(String framing) throws Exception {
    String query = "/download?bytes=" + SIZE + (framing.equals("chunked") ? "&chunked" : "");
    HttpResponse<InputStream> response = client.send(
        HttpRequest.newBuilder(uri(query)).timeout(Duration.ofSeconds(120)).build(),
        HttpResponse.BodyHandlers.ofInputStream());

    assertThat(response.statusCode()).isEqualTo(200);
    if (framing.equals("content-length")) {
      assertThat(response.headers().firstValueAsLong("content-length")).hasValue(SIZE);
    } else {
      assertThat(response.headers().firstValue("content-length")).isEmpty();
    }
    CRC32 crc = new CRC32();
    long received = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = response.body()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        crc.update(buf, 0, n);
        received += n;
      }
    }
    assertThat(received).isEqualTo(SIZE);
    assertThat(crc.getValue()).isEqualTo(EXPECTED_CRC);
    assertStillServing();
  }

  /** After the transfer the same process answers both its listener and its admin interface, and never ran out of memory. */
  private void assertStillServing() throws Exception {
    HttpResponse<String> after = client.send(HttpRequest.newBuilder(uri("/after")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.body()).isEqualTo("ok");
    assertThat(proxy.adminGet("/ready")).isEqualTo("LIVE\n");
    assertThat(proxy.isAlive()).isTrue();
    assertThat(proxy.stderr()).doesNotContain("OutOfMemoryError").doesNotContain("LEAK:");
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }
}
