package dev.sluice.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.conformance.support.Bodies;
import dev.sluice.conformance.support.EchoedRequest;
import dev.sluice.conformance.support.ProxyFixture;
import dev.sluice.conformance.support.RawHttpConnection;
import dev.sluice.conformance.support.RawResponse;
import dev.sluice.conformance.support.TestBackend;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/1.1 on the wire, through a raw socket: bad requests, header limits, body framing
 * (content-length and chunked, both ways), 100-continue, pipelining, keep-alive reuse upstream,
 * the forwarding headers the proxy adds, hop-by-hop headers it drops, and HEAD.
 */
final class Http1ProtocolTest {
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  @TempDir
  static Path dir;
  static TestBackend backend;
  static TestBackend reuse;
  static ProxyFixture proxy;
  RawHttpConnection client;

  @BeforeAll
  static void start() {
    backend = TestBackend.start("echo");
    reuse = TestBackend.start("reuse");
    proxy = ProxyFixture.builder()
        .cluster("echo", backend)
        .cluster("reuse", reuse)
        .routeConfig("""
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - { match: { prefix: /reuse }, route: { cluster: reuse } }
              - { match: { prefix: / }, route: { cluster: echo } }
            """)
        .start(dir);
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
    reuse.close();
  }

  @BeforeEach
  void connect() {
    client = RawHttpConnection.open(proxy.address());
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  // ------------------------------------------------------------------ bad requests

  @ParameterizedTest
  @ValueSource(strings = {
      "this is not http\r\n\r\n",
      "GET / HTTP/1.1 trailing-garbage\r\nHost: x\r\n\r\n",
      "GET /\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nBad Header Name: v\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nX-Space-Before-Colon : v\r\n\r\n",
      // Ambiguous framing (RFC 9112 section 6.3), the classic request smuggling vectors.
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
  })
  void malformedRequestsAre400AndTheConnectionCloses(String request) {
    long bad = proxy.httpCounter("downstream_rq_bad_request");
    int seen = backend.requestCount();
    RawResponse r = client.send(request).read();
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(client.awaitClosed()).isTrue();
    assertThat(backend.requestCount()).isEqualTo(seen);
    proxy.awaitCounter(proxy.httpStat("downstream_rq_bad_request"), bad + 1);
  }

  // RFC 9112 section 3.2. Whether the connection stays open afterwards is left to the proxy.
  @Test
  void missingHostOnHttp11Is400() {
    int seen = backend.requestCount();
    RawResponse r = client.send("GET /x HTTP/1.1\r\nUser-Agent: t\r\n\r\n").read();
    assertThat(r.status()).isEqualTo(400);
    assertThat(backend.requestCount()).isEqualTo(seen);
  }

  @Test
  void twoHostHeadersAre400() {
    int seen = backend.requestCount();
    RawResponse r = client.send("GET /x HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n").read();
    assertThat(r.status()).isEqualTo(400);
    assertThat(backend.requestCount()).isEqualTo(seen);
  }

  @Test
  void absoluteFormTargetIsServedByItsPathAndAuthority() {
    // RFC 9112 section 3.2.2: the target's authority replaces Host; Envoy's allow_absolute_url defaults to on.
    EchoedRequest e = client.send("GET http://api.example.com:8080/abs/x?q=1 HTTP/1.1\r\nHost: ignored\r\n\r\n")
        .read().echo();
    assertThat(e.uri()).isEqualTo("/abs/x?q=1");
    assertThat(e.headerValues("host")).containsExactly("api.example.com:8080");
    EchoedRequest bare = client.send("GET http://api.example.com HTTP/1.1\r\nHost: api.example.com\r\n\r\n")
        .read().echo();
    assertThat(bare.uri()).isEqualTo("/");

    RawResponse notHttp = client.send("GET ftp://files.example.com/x HTTP/1.1\r\nHost: x\r\n\r\n").read();
    assertThat(notHttp.status()).isEqualTo(400);
  }

  @Test
  void transferCodingsOtherThanChunkedAre501() {
    int seen = backend.requestCount();
    RawResponse r = client.send("POST /te HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
        + "3\r\nabc\r\n0\r\n\r\n").read();
    assertThat(r.status()).isEqualTo(501);
    assertThat(client.awaitClosed()).isTrue();
    assertThat(backend.requestCount()).isEqualTo(seen);
  }

  /** A body that looks like a request must never reach the backend as one. */
  @Test
  void aRequestBodyIsNeverParsedAsARequest() {
    String smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    client.send("POST /carrier HTTP/1.1\r\nHost: x\r\nContent-Length: " + smuggled.length() + "\r\n\r\n" + smuggled
        + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
    EchoedRequest carrier = client.read().echo();
    assertThat(carrier.bodyBytes()).isEqualTo(smuggled.length());
    assertThat(client.read().echo().uri()).isEqualTo("/next");
    assertThat(backend.received()).noneMatch(r -> r.uri().equals("/smuggled"));
  }

  private static String[] headerLines(int count, int valueLength) {
    String[] lines = new String[count];
    String value = "v".repeat(valueLength);
    for (int i = 0; i < count; i++) {
      lines[i] = "x-h" + i + ": " + value;
    }
    return lines;
  }

  @Test
  void oneHundredHeadersPassAndOneHundredAndOneAre431() {
    // Envoy's default max_headers_count is 100, Host included.
    RawResponse ok = client.exchange("GET", "/h", headerLines(99, 4));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.echo().header("x-h98")).isEqualTo("vvvv");

    long tooLarge = proxy.httpCounter("downstream_rq_header_too_large");
    RawResponse r = client.exchange("GET", "/h", headerLines(100, 4));
    assertThat(r.status()).isEqualTo(431);
    proxy.awaitCounter(proxy.httpStat("downstream_rq_header_too_large"), tooLarge + 1);
  }

  @Test
  void headersBeyondSixtyKibAre431() {
    RawResponse ok = client.exchange("GET", "/h", headerLines(10, 5 * 1024));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.echo().header("x-h9")).hasSize(5 * 1024);

    int seen = backend.requestCount();
    RawResponse r = client.exchange("GET", "/h", headerLines(10, 7 * 1024));
    assertThat(r.status()).isEqualTo(431);
    assertThat(backend.requestCount()).isEqualTo(seen);
  }

  // ------------------------------------------------------------------ bodies

  @Test
  void contentLengthRequestBodyArrivesIntact() {
    byte[] body = Bodies.pattern(300_000);
    client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: "
        + body.length + "\r\n\r\n");
    RawResponse r = client.send(body).read();
    assertThat(r.status()).isEqualTo(200);
    EchoedRequest e = r.echo();
    assertThat(e.bodyBytes()).isEqualTo(body.length);
    assertThat(e.bodyCrc32()).isEqualTo(Bodies.crc32(body));
    assertThat(e.header("content-length")).isEqualTo(String.valueOf(body.length));
  }

  @Test
  void chunkedRequestBodyIsForwardedChunked() {
    byte[] body = Bodies.pattern(71_005);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    int[] sizes = {1000, 70_000, 5};
    int off = 0;
    for (int size : sizes) {
      wire.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      wire.write(body, off, size);
      wire.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      off += size;
    }
    wire.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    RawResponse r = client.send(wire.toByteArray()).read();
    assertThat(r.status()).isEqualTo(200);
    EchoedRequest e = r.echo();
    assertThat(e.bodyBytes()).isEqualTo(body.length);
    assertThat(e.bodyCrc32()).isEqualTo(Bodies.crc32(body));
    assertThat(e.header("transfer-encoding")).isEqualToIgnoringCase("chunked");
    assertThat(e.hasHeader("content-length")).isFalse();
  }

  @Test
  void chunkedResponsesStayChunked() {
    RawResponse echo = client.exchange("GET", "/c?chunked=1");
    assertThat(echo.status()).isEqualTo(200);
    assertThat(echo.chunked()).isTrue();
    assertThat(echo.header("content-length")).isNull();
    assertThat(echo.echo().uri()).isEqualTo("/c?chunked=1");

    RawResponse big = client.exchange("GET", "/c?chunked=1&bytes=500000");
    assertThat(big.chunked()).isTrue();
    assertThat(big.chunks()).isGreaterThan(1);
    assertThat(big.body()).hasSize(500_000);
    assertThat(Bodies.firstMismatch(big.body())).isEqualTo(-1);
  }

  @Test
  void contentLengthResponsesStreamIntact() {
    RawResponse r = client.exchange("GET", "/big?bytes=3000000");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.chunked()).isFalse();
    assertThat(r.header("content-length")).isEqualTo("3000000");
    assertThat(Bodies.firstMismatch(r.body())).isEqualTo(-1);
  }

  @Test
  void expect100ContinueIsAnsweredByTheProxyAndNotForwarded() {
    client.send("POST /expect HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n");
    RawResponse interim = client.read();
    assertThat(interim.status()).isEqualTo(100);
    RawResponse r = client.send("hello world").read();
    assertThat(r.status()).isEqualTo(200);
    EchoedRequest e = r.echo();
    assertThat(e.bodyBytes()).isEqualTo(11);
    assertThat(e.bodyCrc32()).isEqualTo(Bodies.crc32("hello world".getBytes(StandardCharsets.US_ASCII)));
    assertThat(e.hasHeader("expect")).isFalse();
  }

  // ------------------------------------------------------------------ connection handling

  @Test
  void pipelinedRequestsAreAnsweredInOrder() {
    // The first answer is the slowest, so an out-of-order proxy would put it last.
    client.send("GET /p1?delay_ms=200 HTTP/1.1\r\nHost: x\r\n\r\n"
        + "POST /p2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
        + "GET /p3 HTTP/1.1\r\nHost: x\r\n\r\n");
    EchoedRequest first = client.read().echo();
    EchoedRequest second = client.read().echo();
    EchoedRequest third = client.read().echo();
    assertThat(first.uri()).isEqualTo("/p1?delay_ms=200");
    assertThat(second.uri()).isEqualTo("/p2");
    assertThat(second.bodyBytes()).isEqualTo(3);
    assertThat(third.uri()).isEqualTo("/p3");
  }

  @Test
  void keepAliveReusesUpstreamConnections() {
    for (int i = 0; i < 50; i++) {
      RawResponse r = client.exchange("GET", "/reuse/" + i);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.echo().uri()).isEqualTo("/reuse/" + i);
    }
    assertThat(reuse.requestCount()).isEqualTo(50);
    assertThat(reuse.connections()).as("backend connections for 50 sequential requests").isBetween(1, 2);
    assertThat(proxy.clusterCounter("reuse", "upstream_cx_total")).isBetween(1L, 2L);
    proxy.awaitCounter("cluster.reuse.upstream_rq_total", 50);
  }

  @Test
  void connectionCloseFromTheClientIsHonoured() {
    RawResponse r = client.exchange("GET", "/bye", "Connection: close");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("connection")).isEqualToIgnoringCase("close");
    assertThat(client.awaitClosed()).isTrue();
  }

  @Test
  void headIsForwardedAndTheConnectionStaysInSync() {
    RawResponse head = client.exchange("HEAD", "/head");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("x-backend")).isEqualTo("echo");
    assertThat(Integer.parseInt(head.header("content-length"))).isPositive();
    assertThat(backend.lastRequest().method()).isEqualTo("HEAD");
    // If the proxy sent a body after the HEAD response this would read it as a status line.
    RawResponse get = client.exchange("GET", "/after-head");
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.echo().uri()).isEqualTo("/after-head");
  }

  // ------------------------------------------------------------------ headers the proxy owns

  @Test
  void forwardedForAndProtoAreSet() {
    EchoedRequest e = client.exchange("GET", "/xff").echo();
    assertThat(e.headerValues("x-forwarded-for")).containsExactly("127.0.0.1");
    assertThat(e.headerValues("x-forwarded-proto")).containsExactly("http");

    EchoedRequest appended = client.exchange("GET", "/xff", "X-Forwarded-For: 203.0.113.7").echo();
    assertThat(appended.headerValues("x-forwarded-for")).containsExactly("203.0.113.7, 127.0.0.1");
  }

  @Test
  void requestIdIsGeneratedWhenAbsentAndKeptWhenPresent() {
    String first = client.exchange("GET", "/id").echo().header("x-request-id");
    String second = client.exchange("GET", "/id").echo().header("x-request-id");
    assertThat(first).matches(UUID);
    assertThat(second).matches(UUID).isNotEqualTo(first);
    EchoedRequest kept = client.exchange("GET", "/id", "X-Request-Id: my-trace-42").echo();
    assertThat(kept.headerValues("x-request-id")).containsExactly("my-trace-42");
  }

  @Test
  void hopByHopRequestHeadersAreNotForwarded() {
    EchoedRequest e = client.exchange("GET", "/hop",
        "Connection: keep-alive, X-Conn-Listed",
        "X-Conn-Listed: secret",
        "Keep-Alive: timeout=5",
        "TE: gzip",
        "Upgrade: foo/1",
        "Proxy-Connection: keep-alive",
        "X-End-To-End: kept").echo();
    for (String name : Arrays.asList("connection", "x-conn-listed", "keep-alive", "te", "upgrade", "proxy-connection")) {
      assertThat(e.hasHeader(name)).as("%s forwarded: %s", name, e.headers()).isFalse();
    }
    assertThat(e.header("x-end-to-end")).isEqualTo("kept");
  }

  @Test
  void hopByHopResponseHeadersAreNotForwarded() {
    String target =
        "/hop?set-header=keep-alive:timeout%3D5&set-header=x-hop:1&set-header=connection:x-hop&set-header=x-e2e:1";
    try (RawHttpConnection direct = RawHttpConnection.open(backend.address())) {
      RawResponse control = direct.exchange("GET", target);
      assertThat(control.header("keep-alive")).as("the backend sends them").isEqualTo("timeout=5");
      assertThat(control.header("connection")).isEqualTo("x-hop");
    }
    RawResponse r = client.exchange("GET", target);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("keep-alive")).isNull();
    assertThat(r.header("x-hop")).isNull();
    assertThat(r.header("connection")).isNull();
    assertThat(r.header("x-e2e")).isEqualTo("1");
  }

  @Test
  void statsCountRequestsAndResponses() {
    long rq2xx = proxy.httpCounter("downstream_rq_2xx");
    long http1 = proxy.httpCounter("downstream_rq_http1_total");
    long upstream = proxy.clusterCounter("echo", "upstream_rq_total");
    long upstream2xx = proxy.clusterCounter("echo", "upstream_rq_2xx");
    for (int i = 0; i < 3; i++) {
      assertThat(client.exchange("GET", "/count").status()).isEqualTo(200);
    }
    proxy.awaitCounter(proxy.httpStat("downstream_rq_2xx"), rq2xx + 3);
    proxy.awaitCounter(proxy.httpStat("downstream_rq_http1_total"), http1 + 3);
    proxy.awaitCounter("cluster.echo.upstream_rq_total", upstream + 3);
    proxy.awaitCounter("cluster.echo.upstream_rq_2xx", upstream2xx + 3);
  }
}
