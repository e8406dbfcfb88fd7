package dev.sluice.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.conformance.support.Bodies;
import dev.sluice.conformance.support.EchoedRequest;
import dev.sluice.conformance.support.H2Client;
import dev.sluice.conformance.support.H2Response;
import dev.sluice.conformance.support.HttpClients;
import dev.sluice.conformance.support.ProxyFixture;
import dev.sluice.conformance.support.TestBackend;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 downstream on the cleartext AUTO listener: prior knowledge and the h2c upgrade, many
 * concurrent streams on one connection, and translation to the HTTP/1.1 upstream with bodies in
 * both directions.
 */
final class Http2Test {
  private static final int STREAMS = 100;

  @TempDir
  static Path dir;
  static TestBackend backend;
  static ProxyFixture proxy;

  @BeforeAll
  static void start() {
    backend = TestBackend.start("echo");
    proxy = ProxyFixture.builder()
        .cluster("echo", backend)
        .routeConfig("""
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - { match: { path: /direct }, direct_response: { status: 200, body: { inline_string: direct } } }
              - { match: { prefix: /none }, direct_response: { status: 404 } }
              - { match: { prefix: / }, route: { cluster: echo } }
            """)
        .start(dir);
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  @Test
  void priorKnowledgeRequestReachesTheHttp11Backend() {
    long h2Connections = proxy.httpCounter("downstream_cx_http2_total");
    long h2Requests = proxy.httpCounter("downstream_rq_http2_total");
    try (H2Client h2 = H2Client.connect(proxy.address())) {
      H2Response r = h2.get("/pk?x=1");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("x-backend")).isEqualTo("echo");
      assertThat(r.header("transfer-encoding")).as("no HTTP/1 framing headers on HTTP/2").isNull();
      assertThat(r.header("connection")).isNull();
      EchoedRequest e = r.echo();
      assertThat(e.method()).isEqualTo("GET");
      assertThat(e.uri()).isEqualTo("/pk?x=1");
      assertThat(e.headerValues("host")).containsExactly(h2.authority());
      assertThat(e.header("x-forwarded-proto")).isEqualTo("http");
      assertThat(e.header("x-forwarded-for")).isEqualTo("127.0.0.1");
      assertThat(e.hasHeader("x-request-id")).isTrue();
      // Netty's HTTP/2-to-HTTP/1 conversion headers are internal and must not leak upstream.
      assertThat(e.headers()).noneMatch(h -> h.getKey().startsWith("x-http2-"));
    }
    proxy.awaitCounter(proxy.httpStat("downstream_cx_http2_total"), h2Connections + 1);
    proxy.awaitCounter(proxy.httpStat("downstream_rq_http2_total"), h2Requests + 1);
  }

  @Test
  void clientRequestIdIsKept() {
    try (H2Client h2 = H2Client.connect(proxy.address())) {
      EchoedRequest e = H2Client.await(h2.send(h2.headers("GET", "/id").add("x-request-id", "trace-7"), null)).echo();
      assertThat(e.headerValues("x-request-id")).containsExactly("trace-7");
    }
  }

  @Test
  void h2cUpgradeWithTheJdkClient() {
    HttpClient client = HttpClients.h2c();
    HttpResponse<String> first = HttpClients.send(client, HttpClients.get(proxy.uri("/up/1")));
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.version()).as("the upgrade succeeded").isEqualTo(HttpClient.Version.HTTP_2);
    EchoedRequest e = EchoedRequest.parse(first.body());
    assertThat(e.uri()).isEqualTo("/up/1");
    // The upgrade's own headers are hop-by-hop.
    assertThat(e.hasHeader("upgrade")).isFalse();
    assertThat(e.hasHeader("http2-settings")).isFalse();
    assertThat(e.hasHeader("connection")).isFalse();

    HttpResponse<String> second = HttpClients.send(client, HttpClients.get(proxy.uri("/up/2")));
    assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(EchoedRequest.parse(second.body()).uri()).isEqualTo("/up/2");
  }

  @Test
  void hundredConcurrentStreamsOnOneConnection() {
    long connections = proxy.httpCounter("downstream_cx_total");
    int before = backend.requestCount();
    try (H2Client h2 = H2Client.connect(proxy.address())) {
      List<CompletableFuture<H2Response>> responses = new ArrayList<>(STREAMS);
      for (int i = 0; i < STREAMS; i++) {
        // A short delay keeps the streams in flight together.
        responses.add(h2.send("GET", "/stream/" + i + "?delay_ms=50"));
      }
      for (int i = 0; i < STREAMS; i++) {
        H2Response r = H2Client.await(responses.get(i));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.echo().uri()).isEqualTo("/stream/" + i + "?delay_ms=50");
      }
      assertThat(h2.isOpen()).isTrue();
    }
    assertThat(backend.requestCount() - before).isEqualTo(STREAMS);
    assertThat(proxy.httpCounter("downstream_cx_total") - connections).as("downstream connections").isEqualTo(1);
  }

  @Test
  void requestBodiesAreForwardedToHttp11WithAndWithoutContentLength() {
    byte[] body = Bodies.pattern(1_000_000);
    try (H2Client h2 = H2Client.connect(proxy.address())) {
      Http2Headers sized = h2.headers("POST", "/upload/sized").setInt("content-length", body.length);
      EchoedRequest withLength = H2Client.await(h2.send(sized, body)).echo();
      assertThat(withLength.method()).isEqualTo("POST");
      assertThat(withLength.bodyBytes()).isEqualTo(body.length);
      assertThat(withLength.bodyCrc32()).isEqualTo(Bodies.crc32(body));
      assertThat(withLength.header("content-length")).isEqualTo(String.valueOf(body.length));

      // Without content-length the HTTP/1.1 upstream request has to be chunked.
      EchoedRequest streamed = H2Client.await(h2.send(h2.headers("POST", "/upload/streamed"), body)).echo();
      assertThat(streamed.bodyBytes()).isEqualTo(body.length);
      assertThat(streamed.bodyCrc32()).isEqualTo(Bodies.crc32(body));
      assertThat(streamed.header("transfer-encoding")).isEqualToIgnoringCase("chunked");
    }
  }

  @Test
  void largeResponsesStreamThroughFlowControl() {
    try (H2Client h2 = H2Client.connect(proxy.address())) {
      H2Response sized = h2.get("/big?bytes=4000000");
      assertThat(sized.status()).isEqualTo(200);
      assertThat(sized.body()).hasSize(4_000_000);
      assertThat(Bodies.firstMismatch(sized.body())).isEqualTo(-1);

      H2Response chunked = h2.get("/big?bytes=1000000&chunked=1");
      assertThat(chunked.body()).hasSize(1_000_000);
      assertThat(Bodies.firstMismatch(chunked.body())).isEqualTo(-1);
    }
  }

  @Test
  void localRepliesAndHeadOverHttp2() {
    try (H2Client h2 = H2Client.connect(proxy.address())) {
      assertThat(h2.get("/direct").text()).isEqualTo("direct");
      assertThat(h2.get("/none").status()).isEqualTo(404);
      H2Response head = H2Client.await(h2.send("HEAD", "/head"));
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      assertThat(backend.lastRequest().method()).isEqualTo("HEAD");
      // The connection is still good for more streams.
      assertThat(h2.get("/after").echo().uri()).isEqualTo("/after");
    }
  }
}
