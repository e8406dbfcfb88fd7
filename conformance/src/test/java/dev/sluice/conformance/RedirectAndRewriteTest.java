package dev.sluice.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.conformance.support.EchoedRequest;
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
 * Redirect routes (the Location the client gets, and the status) and forward routes that rewrite
 * the path or the Host (what the backend gets), following Envoy's RedirectAction and RouteAction.
 */
final class RedirectAndRewriteTest {
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
        .routeConfig("""
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - { match: { prefix: /r/https }, redirect: { https_redirect: true } }
              - { match: { prefix: /r/host }, redirect: { host_redirect: new.example.com } }
              - { match: { prefix: /r/port }, redirect: { port_redirect: 8443 } }
              - { match: { prefix: /r/path }, redirect: { path_redirect: /new/path, response_code: FOUND } }
              - { match: { prefix: /r/prefix/ }, redirect: { prefix_rewrite: /moved/, response_code: TEMPORARY_REDIRECT } }
              - { match: { prefix: /r/strip }, redirect: { path_redirect: /stripped, strip_query: true, response_code: PERMANENT_REDIRECT } }
              - match: { prefix: /r/all }
                redirect: { scheme_redirect: https, host_redirect: secure.example.com, port_redirect: 9443, response_code: SEE_OTHER }
              - { match: { prefix: /api/ }, route: { cluster: echo, prefix_rewrite: / } }
              - { match: { prefix: /old }, route: { cluster: echo, prefix_rewrite: /new } }
              - match: { prefix: /rx/ }
                route:
                  cluster: echo
                  regex_rewrite:
                    pattern: { regex: "^/rx/([a-z]+)/([0-9]+)$" }
                    substitution: "/items/\\\\2/\\\\1"
              - match: { prefix: /hr }
                route: { cluster: echo, host_rewrite_literal: upstream.internal }
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

  private RawResponse redirect(String target, String host, int expectedStatus) {
    int before = backend.requestCount();
    RawResponse r = client.exchange("GET", target, "Host: " + host);
    assertThat(r.status()).as(r.toString()).isEqualTo(expectedStatus);
    assertThat(backend.requestCount()).as("a redirect is answered by the proxy").isEqualTo(before);
    return r;
  }

  @Test
  void httpsRedirectDefaultsTo301AndDropsTheDefaultHttpPort() {
    assertThat(redirect("/r/https?a=1", "example.com", 301).header("location"))
        .isEqualTo("https://example.com/r/https?a=1");
    assertThat(redirect("/r/https", "example.com:80", 301).header("location"))
        .isEqualTo("https://example.com/r/https");
    assertThat(redirect("/r/https", "example.com:8080", 301).header("location"))
        .as("a non-default port stays").isEqualTo("https://example.com:8080/r/https");
  }

  @Test
  void hostRedirectReplacesTheHost() {
    assertThat(redirect("/r/host/x?q=1", "example.com", 301).header("location"))
        .isEqualTo("http://new.example.com/r/host/x?q=1");
  }

  @Test
  void portRedirectReplacesThePort() {
    assertThat(redirect("/r/port", "example.com:8080", 301).header("location"))
        .isEqualTo("http://example.com:8443/r/port");
    assertThat(redirect("/r/port", "example.com", 301).header("location"))
        .isEqualTo("http://example.com:8443/r/port");
  }

  @Test
  void pathRedirectKeepsTheQueryAndUsesTheConfiguredCode() {
    assertThat(redirect("/r/path/deep?x=1", "example.com", 302).header("location"))
        .isEqualTo("http://example.com/new/path?x=1");
  }

  @Test
  void prefixRewriteRedirectReplacesTheMatchedPrefix() {
    assertThat(redirect("/r/prefix/a/b?q=1", "example.com", 307).header("location"))
        .isEqualTo("http://example.com/moved/a/b?q=1");
  }

  @Test
  void stripQueryRemovesTheQuery() {
    assertThat(redirect("/r/strip?secret=1", "example.com", 308).header("location"))
        .isEqualTo("http://example.com/stripped");
  }

  @Test
  void schemeHostAndPortTogetherWith303() {
    assertThat(redirect("/r/all?z", "example.com:8080", 303).header("location"))
        .isEqualTo("https://secure.example.com:9443/r/all?z");
  }

  @Test
  void redirectsAreCounted() {
    long redirects = proxy.httpCounter("rq_redirect");
    long threeXx = proxy.httpCounter("downstream_rq_3xx");
    redirect("/r/path", "example.com", 302);
    proxy.awaitCounter(proxy.httpStat("rq_redirect"), redirects + 1);
    proxy.awaitCounter(proxy.httpStat("downstream_rq_3xx"), threeXx + 1);
  }

  private EchoedRequest forwarded(String target, String host) {
    RawResponse r = client.exchange("GET", target, "Host: " + host);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.echo();
  }

  @Test
  void prefixRewriteReplacesTheMatchedPrefixAndKeepsTheQuery() {
    assertThat(forwarded("/api/v1/users?id=7", "example.com").uri()).isEqualTo("/v1/users?id=7");
    assertThat(forwarded("/old/thing", "example.com").uri()).isEqualTo("/new/thing");
    assertThat(forwarded("/oldest", "example.com").uri()).isEqualTo("/newest");
  }

  @Test
  void regexRewriteSubstitutesCaptureGroupsInThePathOnly() {
    assertThat(forwarded("/rx/abc/42?q=1", "example.com").uri()).isEqualTo("/items/42/abc?q=1");
    // The pattern must match the whole path for the substitution to apply.
    assertThat(forwarded("/rx/abc/42/more", "example.com").uri()).isEqualTo("/rx/abc/42/more");
  }

  @Test
  void hostRewriteLiteralReplacesHostAndOtherwiseHostIsKept() {
    assertThat(forwarded("/hr/x", "client.example.com").header("host")).isEqualTo("upstream.internal");
    EchoedRequest plain = forwarded("/plain?x=1", "client.example.com");
    assertThat(plain.header("host")).isEqualTo("client.example.com");
    assertThat(plain.uri()).isEqualTo("/plain?x=1");
  }
}
