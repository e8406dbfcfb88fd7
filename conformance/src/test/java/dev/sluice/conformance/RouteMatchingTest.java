package dev.sluice.conformance;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Every route match type, end to end: a request goes through the proxy and the backend reports
 * which route forwarded it (each route adds {@code x-route: <name>}); no match is a 404. Requests
 * go over a raw socket so that Host and every header are exactly what the test says.
 */
final class RouteMatchingTest {
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
              - { name: exact, match: { path: /exact }, route: { cluster: echo },
                  request_headers_to_add: [{ header: { key: x-route, value: exact } }] }
              - { name: ord-x, match: { prefix: /ord/x }, route: { cluster: echo },
                  request_headers_to_add: [{ header: { key: x-route, value: ord-x } }] }
              - { name: ord, match: { prefix: /ord }, route: { cluster: echo },
                  request_headers_to_add: [{ header: { key: x-route, value: ord } }] }
              - { name: sep, match: { path_separated_prefix: /sep }, route: { cluster: echo },
                  request_headers_to_add: [{ header: { key: x-route, value: sep } }] }
              - { name: regex, match: { safe_regex: { regex: "/re/[0-9]+" } }, route: { cluster: echo },
                  request_headers_to_add: [{ header: { key: x-route, value: regex } }] }
              - { name: nocase, match: { prefix: /CaSe, case_sensitive: false }, route: { cluster: echo },
                  request_headers_to_add: [{ header: { key: x-route, value: nocase } }] }
              - { name: nocase-path, match: { path: /Exact-NoCase, case_sensitive: false }, route: { cluster: echo },
                  request_headers_to_add: [{ header: { key: x-route, value: nocase-path } }] }
              - { name: h-exact, match: { prefix: /h/exact, headers: [{ name: x-v, string_match: { exact: "yes" } }] },
                  route: { cluster: echo }, request_headers_to_add: [{ header: { key: x-route, value: h-exact } }] }
              - { name: h-prefix, match: { prefix: /h/prefix, headers: [{ name: x-v, string_match: { prefix: "ab" } }] },
                  route: { cluster: echo }, request_headers_to_add: [{ header: { key: x-route, value: h-prefix } }] }
              - { name: h-suffix, match: { prefix: /h/suffix, headers: [{ name: x-v, string_match: { suffix: "yz" } }] },
                  route: { cluster: echo }, request_headers_to_add: [{ header: { key: x-route, value: h-suffix } }] }
              - { name: h-contains, match: { prefix: /h/contains, headers: [{ name: x-v, string_match: { contains: "mid" } }] },
                  route: { cluster: echo }, request_headers_to_add: [{ header: { key: x-route, value: h-contains } }] }
              - { name: h-regex, match: { prefix: /h/regex, headers: [{ name: x-v, string_match: { safe_regex: { regex: "v[0-9]+" } } }] },
                  route: { cluster: echo }, request_headers_to_add: [{ header: { key: x-route, value: h-regex } }] }
              - { name: h-present, match: { prefix: /h/present, headers: [{ name: x-v, present_match: true }] },
                  route: { cluster: echo }, request_headers_to_add: [{ header: { key: x-route, value: h-present } }] }
              - { name: h-invert, match: { prefix: /h/invert, headers: [{ name: x-v, string_match: { exact: "no" }, invert_match: true }] },
                  route: { cluster: echo }, request_headers_to_add: [{ header: { key: x-route, value: h-invert } }] }
              - { name: h-ignore-case, match: { prefix: /h/icase, headers: [{ name: x-v, string_match: { exact: "MiXeD", ignore_case: true } }] },
                  route: { cluster: echo }, request_headers_to_add: [{ header: { key: x-route, value: h-ignore-case } }] }
              - { name: h-all, match: { prefix: /h/all, headers: [{ name: x-a, string_match: { exact: "1" } }, { name: x-b, string_match: { exact: "2" } }] },
                  route: { cluster: echo }, request_headers_to_add: [{ header: { key: x-route, value: h-all } }] }
              - { name: method, match: { prefix: /m, headers: [{ name: ":method", string_match: { exact: POST } }] },
                  route: { cluster: echo }, request_headers_to_add: [{ header: { key: x-route, value: method } }] }
              - { name: authority, match: { prefix: /a, headers: [{ name: ":authority", string_match: { suffix: ".example.com" } }] },
                  route: { cluster: echo }, request_headers_to_add: [{ header: { key: x-route, value: authority } }] }
              - { name: query, match: { prefix: /q, query_parameters: [{ name: debug, string_match: { exact: "1" } }] },
                  route: { cluster: echo }, request_headers_to_add: [{ header: { key: x-route, value: query } }] }
              - { name: query-present, match: { prefix: /p, query_parameters: [{ name: flag, present_match: true }] },
                  route: { cluster: echo }, request_headers_to_add: [{ header: { key: x-route, value: query-present } }] }
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

  /** The route that served the request, or "404". */
  private String routeWithMethod(String method, String target, String... headerLines) {
    RawResponse r = client.exchange(method, target, headerLines);
    if (r.status() == 404) {
      assertThat(r.header("x-backend")).as("a 404 from the proxy, not the backend").isNull();
      return "404";
    }
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.echo().header("x-route");
  }

  private String route(String target, String... headerLines) {
    return routeWithMethod("GET", target, headerLines);
  }

  @Test
  void pathMatchesTheWholePathIgnoringTheQuery() {
    assertThat(route("/exact")).isEqualTo("exact");
    assertThat(route("/exact?x=1")).isEqualTo("exact");
    assertThat(route("/exact/")).isEqualTo("404");
    assertThat(route("/exactly")).isEqualTo("404");
    assertThat(route("/EXACT")).as("case_sensitive defaults to true").isEqualTo("404");
  }

  @Test
  void prefixMatchesAndTheFirstMatchingRouteWins() {
    assertThat(route("/ord/x")).isEqualTo("ord-x");
    assertThat(route("/ord/xyz/1")).isEqualTo("ord-x");
    assertThat(route("/ord/y")).isEqualTo("ord");
    assertThat(route("/order")).as("a plain prefix does not care about segments").isEqualTo("ord");
    assertThat(route("/or")).isEqualTo("404");
  }

  @Test
  void pathSeparatedPrefixMatchesWholeSegmentsOnly() {
    assertThat(route("/sep")).isEqualTo("sep");
    assertThat(route("/sep/")).isEqualTo("sep");
    assertThat(route("/sep/a/b")).isEqualTo("sep");
    assertThat(route("/sep?x=1")).isEqualTo("sep");
    assertThat(route("/separate")).isEqualTo("404");
  }

  @Test
  void safeRegexMustMatchTheWholePathWithoutTheQuery() {
    assertThat(route("/re/123")).isEqualTo("regex");
    assertThat(route("/re/123?page=2")).isEqualTo("regex");
    assertThat(route("/re/12a")).isEqualTo("404");
    assertThat(route("/re/123/x")).isEqualTo("404");
    assertThat(route("/x/re/1")).isEqualTo("404");
  }

  @Test
  void caseInsensitivePrefixAndPath() {
    assertThat(route("/case/1")).isEqualTo("nocase");
    assertThat(route("/CASE")).isEqualTo("nocase");
    assertThat(route("/exact-nocase")).isEqualTo("nocase-path");
    assertThat(route("/EXACT-NOCASE?q")).isEqualTo("nocase-path");
    assertThat(route("/exact-nocase/more")).isEqualTo("404");
  }

  @Test
  void headerStringMatchers() {
    assertThat(route("/h/exact", "X-V: yes")).isEqualTo("h-exact");
    assertThat(route("/h/exact", "X-V: Yes")).as("exact is case-sensitive").isEqualTo("404");
    assertThat(route("/h/exact")).isEqualTo("404");

    assertThat(route("/h/prefix", "x-v: abc")).isEqualTo("h-prefix");
    assertThat(route("/h/prefix", "x-v: cab")).isEqualTo("404");

    assertThat(route("/h/suffix", "x-v: xyz")).isEqualTo("h-suffix");
    assertThat(route("/h/suffix", "x-v: yzx")).isEqualTo("404");

    assertThat(route("/h/contains", "x-v: amidst")).isEqualTo("h-contains");
    assertThat(route("/h/contains", "x-v: m-i-d")).isEqualTo("404");

    assertThat(route("/h/regex", "x-v: v42")).isEqualTo("h-regex");
    assertThat(route("/h/regex", "x-v: v42x")).as("a regex must match the whole value").isEqualTo("404");

    assertThat(route("/h/icase", "x-v: mixed")).isEqualTo("h-ignore-case");
    assertThat(route("/h/icase", "x-v: mixe")).isEqualTo("404");
  }

  @Test
  void headerPresentAndInvertedMatchers() {
    assertThat(route("/h/present", "x-v: anything")).isEqualTo("h-present");
    assertThat(route("/h/present", "x-v:")).as("an empty value is still present").isEqualTo("h-present");
    assertThat(route("/h/present")).isEqualTo("404");

    assertThat(route("/h/invert", "x-v: yes")).isEqualTo("h-invert");
    assertThat(route("/h/invert", "x-v: no")).isEqualTo("404");
    // Envoy: an absent header fails an inverted value matcher too (HeaderUtility::matchHeaders).
    assertThat(route("/h/invert")).isEqualTo("404");
  }

  @Test
  void everyHeaderMatcherOfARouteMustMatch() {
    assertThat(route("/h/all", "x-a: 1", "x-b: 2")).isEqualTo("h-all");
    assertThat(route("/h/all", "x-a: 1")).isEqualTo("404");
    assertThat(route("/h/all", "x-a: 1", "x-b: 3")).isEqualTo("404");
  }

  @Test
  void methodPseudoHeader() {
    assertThat(routeWithMethod("POST", "/m", "Content-Length: 0")).isEqualTo("method");
    assertThat(routeWithMethod("GET", "/m")).isEqualTo("404");
    assertThat(routeWithMethod("PUT", "/m", "Content-Length: 0")).isEqualTo("404");
  }

  @Test
  void authorityPseudoHeaderIsTheHostHeader() {
    assertThat(route("/a", "Host: api.example.com")).isEqualTo("authority");
    assertThat(route("/a", "Host: api.example.org")).isEqualTo("404");
    assertThat(route("/a", "Host: api.example.com:8080")).as("the port is part of the authority").isEqualTo("404");
  }

  @Test
  void queryParameters() {
    assertThat(route("/q?debug=1")).isEqualTo("query");
    assertThat(route("/q?a=b&debug=1&c")).isEqualTo("query");
    assertThat(route("/q?debug=2")).isEqualTo("404");
    assertThat(route("/q")).isEqualTo("404");
    assertThat(route("/q?xdebug=1")).isEqualTo("404");

    assertThat(route("/p?flag")).isEqualTo("query-present");
    assertThat(route("/p?x=1&flag=on")).isEqualTo("query-present");
    assertThat(route("/p?x=1")).isEqualTo("404");
  }

  @Test
  void noRouteIsA404CountedAsNoRoute() {
    long noRoute = proxy.httpCounter("no_route");
    long fourXx = proxy.httpCounter("downstream_rq_4xx");
    int seen = backend.requestCount();
    RawResponse r = client.exchange("GET", "/nowhere");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("x-backend")).isNull();
    proxy.awaitCounter(proxy.httpStat("no_route"), noRoute + 1);
    proxy.awaitCounter(proxy.httpStat("downstream_rq_4xx"), fourXx + 1);
    assertThat(backend.requestCount()).isEqualTo(seen);
    // The connection stays usable after a local 404.
    assertThat(route("/exact")).isEqualTo("exact");
  }
}
