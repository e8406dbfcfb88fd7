package dev.sluice.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.conformance.support.EchoedRequest;
import dev.sluice.conformance.support.H2Client;
import dev.sluice.conformance.support.HttpClients;
import dev.sluice.conformance.support.ProxyFixture;
import dev.sluice.conformance.support.RawHttpConnection;
import dev.sluice.conformance.support.RawResponse;
import dev.sluice.conformance.support.TestBackend;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code codec_type}: AUTO speaks both protocols and upgrades on request, HTTP1 never switches to
 * HTTP/2, HTTP2 speaks prior-knowledge HTTP/2 only.
 */
final class CodecTypeTest {
  private static final String ROUTES = """
      virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
        - { match: { prefix: / }, route: { cluster: echo } }
      """;
  private static final String UPGRADE_REQUEST = "GET /upgrade HTTP/1.1\r\nHost: x\r\n"
      + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n";

  @TempDir
  static Path dir;
  static TestBackend backend;
  static ProxyFixture auto;
  static ProxyFixture http1;
  static ProxyFixture http2;

  @BeforeAll
  static void start() {
    backend = TestBackend.start("echo");
    auto = ProxyFixture.builder().cluster("echo", backend).routeConfig(ROUTES).start(dir);
    http1 = ProxyFixture.builder().cluster("echo", backend).codec("HTTP1").routeConfig(ROUTES).start(dir);
    http2 = ProxyFixture.builder().cluster("echo", backend).codec("HTTP2").routeConfig(ROUTES).start(dir);
  }

  @AfterAll
  static void stop() {
    auto.close();
    http1.close();
    http2.close();
    backend.close();
  }

  @Test
  void autoAnswersAnUpgradeWith101() {
    try (RawHttpConnection c = RawHttpConnection.open(auto.address())) {
      RawResponse r = c.send(UPGRADE_REQUEST).read();
      assertThat(r.status()).isEqualTo(101);
      assertThat(r.header("upgrade")).isEqualTo("h2c");
    }
  }

  @Test
  void autoServesAPostFromAnH2cCapableClient() {
    HttpClient client = HttpClients.h2c();
    HttpRequest post = HttpRequest.newBuilder(auto.uri("/post"))
        .timeout(HttpClients.REQUEST_TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString("payload"))
        .build();
    HttpResponse<String> r = HttpClients.send(client, post);
    assertThat(r.statusCode()).isEqualTo(200);
    EchoedRequest e = EchoedRequest.parse(r.body());
    assertThat(e.method()).isEqualTo("POST");
    assertThat(e.bodyBytes()).isEqualTo(7);
  }

  @Test
  void http1CodecIgnoresTheUpgradeAndAnswersOverHttp11() {
    try (RawHttpConnection c = RawHttpConnection.open(http1.address())) {
      RawResponse r = c.send(UPGRADE_REQUEST).read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.echo().uri()).isEqualTo("/upgrade");
      assertThat(r.echo().hasHeader("upgrade")).isFalse();
    }
    HttpResponse<String> viaJdk = HttpClients.send(HttpClients.h2c(), HttpClients.get(http1.uri("/jdk")));
    assertThat(viaJdk.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(viaJdk.statusCode()).isEqualTo(200);
  }

  @Test
  void http2CodecServesPriorKnowledge() {
    try (H2Client h2 = H2Client.connect(http2.address())) {
      assertThat(h2.get("/h2").echo().uri()).isEqualTo("/h2");
    }
  }
}
