package dev.sluice.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.conformance.support.H2Client;
import dev.sluice.conformance.support.H2Response;
import dev.sluice.conformance.support.ProxyFixture;
import dev.sluice.conformance.support.RawHttpConnection;
import dev.sluice.conformance.support.RawResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Virtual host selection by Host / :authority in Envoy's order: exact domain, then the longest
 * {@code *.suffix}, then the longest {@code prefix*}, then {@code *}. Envoy matches the authority
 * with its port unless {@code ignore_port_in_host_matching} is set, so a port changes the choice.
 * Each virtual host answers with its own name as a direct response.
 */
final class VirtualHostTest {
  @TempDir
  static Path dir;
  static ProxyFixture proxy;
  RawHttpConnection client;

  @BeforeAll
  static void start() {
    proxy = ProxyFixture.builder()
        .routeConfig("""
            virtual_hosts:
            - { name: fallback, domains: ["*"],
                routes: [{ match: { prefix: / }, direct_response: { status: 200, body: { inline_string: fallback } } }] }
            - { name: prefix-short, domains: ["api.*"],
                routes: [{ match: { prefix: / }, direct_response: { status: 200, body: { inline_string: prefix-short } } }] }
            - { name: prefix-long, domains: ["api.example.*"],
                routes: [{ match: { prefix: / }, direct_response: { status: 200, body: { inline_string: prefix-long } } }] }
            - { name: suffix-short, domains: ["*.example.com"],
                routes: [{ match: { prefix: / }, direct_response: { status: 200, body: { inline_string: suffix-short } } }] }
            - { name: suffix-long, domains: ["*.api.example.com"],
                routes: [{ match: { prefix: / }, direct_response: { status: 200, body: { inline_string: suffix-long } } }] }
            - { name: exact, domains: ["api.example.com", "exact.test"],
                routes: [{ match: { prefix: / }, direct_response: { status: 200, body: { inline_string: exact } } }] }
            - { name: with-port, domains: ["ported.test:8080"],
                routes: [{ match: { prefix: / }, direct_response: { status: 200, body: { inline_string: with-port } } }] }
            """)
        .start(dir);
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @BeforeEach
  void connect() {
    client = RawHttpConnection.open(proxy.address());
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  private String vhost(String host) {
    RawResponse r = client.exchange("GET", "/", "Host: " + host);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.text();
  }

  @Test
  void exactDomainBeatsEveryWildcard() {
    // api.example.com also matches *.example.com, api.example.* and api.*.
    assertThat(vhost("api.example.com")).isEqualTo("exact");
    assertThat(vhost("API.Example.COM")).as("domains ignore ASCII case").isEqualTo("exact");
    assertThat(vhost("exact.test")).isEqualTo("exact");
  }

  @Test
  void longestSuffixWildcardWins() {
    assertThat(vhost("v1.api.example.com")).isEqualTo("suffix-long");
    assertThat(vhost("www.example.com")).isEqualTo("suffix-short");
    assertThat(vhost("a.b.example.com")).isEqualTo("suffix-short");
  }

  @Test
  void suffixWildcardBeatsPrefixWildcard() {
    // Matches *.example.com and api.*.
    assertThat(vhost("api.foo.example.com")).isEqualTo("suffix-short");
  }

  @Test
  void longestPrefixWildcardWins() {
    assertThat(vhost("api.example.net")).isEqualTo("prefix-long");
    assertThat(vhost("api.other")).isEqualTo("prefix-short");
  }

  @Test
  void aWildcardStandsForAtLeastOneCharacter() {
    assertThat(vhost(".example.com")).isEqualTo("fallback");
    assertThat(vhost("api.")).isEqualTo("fallback");
  }

  @Test
  void anythingElseFallsBackToStar() {
    assertThat(vhost("unknown.org")).isEqualTo("fallback");
    assertThat(vhost("127.0.0.1:" + proxy.port())).isEqualTo("fallback");
  }

  @Test
  void thePortInHostTakesPartInTheMatch() {
    assertThat(vhost("ported.test:8080")).isEqualTo("with-port");
    assertThat(vhost("ported.test")).isEqualTo("fallback");
    assertThat(vhost("ported.test:9090")).isEqualTo("fallback");
    // With a port, api.example.com is no longer the exact domain nor under *.example.com; api.example.* still matches.
    assertThat(vhost("api.example.com:80")).isEqualTo("prefix-long");
    assertThat(vhost("www.example.com:443")).isEqualTo("fallback");
  }

  @Test
  void http2AuthorityIsMatchedTheSameWay() {
    try (H2Client h2 = H2Client.connect(proxy.address())) {
      H2Response r = H2Client.await(h2.send(h2.headers("GET", "/").authority("v1.api.example.com"), null));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.text()).isEqualTo("suffix-long");
      r = H2Client.await(h2.send(h2.headers("GET", "/").authority("ported.test:8080"), null));
      assertThat(r.text()).isEqualTo("with-port");
    }
  }
}
