package dev.sluice.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.conformance.support.Ports;
import dev.sluice.conformance.support.ProxyFixture;
import dev.sluice.conformance.support.RawHttpConnection;
import dev.sluice.conformance.support.RawResponse;
import dev.sluice.conformance.support.TestBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Responses the proxy makes itself — direct responses, 503 when no upstream can be reached or the
 * upstream drops the request, 504 on the route timeout — with Envoy's bodies and counters, and
 * the downstream connection still usable afterwards.
 */
final class LocalReplyTest {
  @TempDir
  static Path dir;
  static TestBackend backend;
  static ProxyFixture proxy;
  RawHttpConnection client;

  @BeforeAll
  static void start() {
    backend = TestBackend.start("echo");
    proxy = ProxyFixture.builder()
        .cluster("echo", backend)
        .emptyCluster("empty")
        .clusterOnPorts("refused", Ports.closed())
        .routeConfig("""
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - { match: { path: /direct/ok }, direct_response: { status: 200, body: { inline_string: "all good\\n" } } }
              - { match: { path: /direct/unavailable }, direct_response: { status: 503, body: { inline_string: maintenance } } }
              - { match: { path: /direct/empty }, direct_response: { status: 204 } }
              - { match: { path: /direct/teapot }, direct_response: { status: 418 } }
              - { match: { prefix: /empty }, route: { cluster: empty } }
              - { match: { prefix: /refused }, route: { cluster: refused } }
              - { match: { prefix: /slow }, route: { cluster: echo, timeout: 0.2s } }
              - { match: { prefix: / }, route: { cluster: echo } }
            """)
        .start(dir);
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  @BeforeEach
  void connect() {
    client = RawHttpConnection.open(proxy.address());
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  /** The connection survives a local reply: the next request on it reaches the backend. */
  private void assertConnectionStillServes() {
    RawResponse next = client.exchange("GET", "/after");
    assertThat(next.status()).isEqualTo(200);
    assertThat(next.echo().uri()).isEqualTo("/after");
  }

  @Test
  void directResponsesCarryTheirStatusAndBody() {
    long direct = proxy.httpCounter("rq_direct_response");
    RawResponse ok = client.exchange("GET", "/direct/ok");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.text()).isEqualTo("all good\n");
    assertThat(ok.header("content-length")).isEqualTo("9");

    RawResponse unavailable = client.exchange("GET", "/direct/unavailable");
    assertThat(unavailable.status()).isEqualTo(503);
    assertThat(unavailable.text()).isEqualTo("maintenance");

    RawResponse empty = client.exchange("GET", "/direct/empty");
    assertThat(empty.status()).isEqualTo(204);
    assertThat(empty.body()).isEmpty();

    RawResponse teapot = client.exchange("GET", "/direct/teapot");
    assertThat(teapot.status()).isEqualTo(418);
    assertThat(teapot.body()).isEmpty();

    assertThat(backend.received()).noneMatch(r -> r.uri().startsWith("/direct"));
    proxy.awaitCounter(proxy.httpStat("rq_direct_response"), direct + 4);
    assertConnectionStillServes();
  }

  @Test
  void clusterWithoutEndpointsIs503NoHealthyUpstream() {
    long none = proxy.clusterCounter("empty", "upstream_cx_none_healthy");
    long fiveXx = proxy.httpCounter("downstream_rq_5xx");
    RawResponse r = client.exchange("GET", "/empty");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.text()).isEqualTo("no healthy upstream");
    proxy.awaitCounter("cluster.empty.upstream_cx_none_healthy", none + 1);
    proxy.awaitCounter(proxy.httpStat("downstream_rq_5xx"), fiveXx + 1);
    assertConnectionStillServes();
  }

  @Test
  void refusedConnectionIs503ConnectionFailure() {
    long failures = proxy.clusterCounter("refused", "upstream_cx_connect_fail");
    RawResponse r = client.exchange("GET", "/refused");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.text()).isEqualTo(
        "upstream connect error or disconnect/reset before headers. reset reason: connection failure");
    proxy.awaitCounter("cluster.refused.upstream_cx_connect_fail", failures + 1);
    assertConnectionStillServes();
  }

  @Test
  void upstreamClosingBeforeAnsweringIs503ConnectionTermination() {
    long resets = proxy.httpCounter("upstream_reset_before_response");
    RawResponse r = client.exchange("GET", "/drop?close=1");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.text()).isEqualTo(
        "upstream connect error or disconnect/reset before headers. reset reason: connection termination");
    assertThat(backend.received()).anyMatch(e -> e.uri().equals("/drop?close=1"));
    proxy.awaitCounter(proxy.httpStat("upstream_reset_before_response"), resets + 1);
    assertConnectionStillServes();
  }

  @Test
  void routeTimeoutIs504() {
    long timeouts = proxy.clusterCounter("echo", "upstream_rq_timeout");
    RawResponse r = client.exchange("GET", "/slow?delay_ms=2000");
    assertThat(r.status()).isEqualTo(504);
    assertThat(r.text()).isEqualTo("upstream request timeout");
    assertThat(r.header("x-backend")).isNull();
    proxy.awaitCounter("cluster.echo.upstream_rq_timeout", timeouts + 1);
    proxy.awaitCounter(proxy.httpStat("upstream_rq_timeout"), 1);
    // A prompt answer on the same route and connection is served.
    RawResponse fast = client.exchange("GET", "/slow");
    assertThat(fast.status()).isEqualTo(200);
  }

  @Test
  void backendErrorsPassThroughAndAreCountedPerCluster() {
    long upstream5xx = proxy.clusterCounter("echo", "upstream_rq_5xx");
    RawResponse r = client.exchange("GET", "/fail?status=503");
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.header("x-backend")).isEqualTo("echo");
    assertThat(r.echo().uri()).isEqualTo("/fail?status=503");
    proxy.awaitCounter("cluster.echo.upstream_rq_5xx", upstream5xx + 1);
    assertConnectionStillServes();
  }
}
