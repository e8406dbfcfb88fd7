package dev.sluice.routing.action;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.RouteActionConfig.Redirect;
import org.junit.jupiter.api.Test;

class RedirectLocationTest {

  private static Redirect redirect(String scheme, String host, int port, String path, String prefix, boolean strip) {
    return new Redirect(scheme, host, port, path, prefix, 301, strip);
  }

  private static String location(Redirect redirect, String scheme, String authority, String target, int matched) {
    int q = target.indexOf('?');
    int pathEnd = q < 0 ? target.length() : q;
    return new RedirectLocation(redirect).location(scheme, authority, target, pathEnd, matched);
  }

  @Test
  void nothingConfiguredKeepsTheRequestUrl() {
    Redirect r = redirect(null, null, 0, null, null, false);
    assertThat(location(r, "http", "example.com", "/a?b=c", 1)).isEqualTo("http://example.com/a?b=c");
  }

  @Test
  void hostRedirectReplacesHostAndDropsRequestPort() {
    Redirect r = redirect(null, "new.example.com", 0, null, null, false);
    assertThat(location(r, "http", "old.example.com:8080", "/a", 1)).isEqualTo("http://new.example.com/a");
  }

  @Test
  void portRedirectReplacesPort() {
    Redirect r = redirect(null, null, 8443, null, null, false);
    assertThat(location(r, "http", "example.com:8080", "/a", 1)).isEqualTo("http://example.com:8443/a");
    assertThat(location(r, "http", "example.com", "/a", 1)).isEqualTo("http://example.com:8443/a");
  }

  @Test
  void hostAndPortRedirect() {
    Redirect r = redirect(null, "other", 9000, null, null, false);
    assertThat(location(r, "https", "example.com:443", "/a", 1)).isEqualTo("https://other:9000/a");
  }

  @Test
  void schemeChangeDropsDefaultPortOfRequestScheme() {
    Redirect toHttps = redirect("https", null, 0, null, null, false);
    assertThat(location(toHttps, "http", "example.com:80", "/a", 1)).isEqualTo("https://example.com/a");
    Redirect toHttp = redirect("http", null, 0, null, null, false);
    assertThat(location(toHttp, "https", "example.com:443", "/a", 1)).isEqualTo("http://example.com/a");
  }

  @Test
  void schemeChangeKeepsNonDefaultPort() {
    Redirect toHttps = redirect("https", null, 0, null, null, false);
    assertThat(location(toHttps, "http", "example.com:8080", "/a", 1)).isEqualTo("https://example.com:8080/a");
  }

  @Test
  void sameSchemeKeepsDefaultPort() {
    Redirect r = redirect("http", null, 0, "/b", null, false);
    assertThat(location(r, "http", "example.com:80", "/a", 1)).isEqualTo("http://example.com:80/b");
  }

  @Test
  void schemeChangeWithPortRedirect() {
    Redirect r = redirect("https", null, 8443, null, null, false);
    assertThat(location(r, "http", "example.com:8080", "/a", 1)).isEqualTo("https://example.com:8443/a");
  }

  @Test
  void ipv6AuthorityPortHandling() {
    Redirect toHttps = redirect("https", null, 0, null, null, false);
    assertThat(location(toHttps, "http", "[::1]:80", "/a", 1)).isEqualTo("https://[::1]/a");
    assertThat(location(toHttps, "http", "[::1]", "/a", 1)).isEqualTo("https://[::1]/a");
    Redirect port = redirect(null, null, 9000, null, null, false);
    assertThat(location(port, "http", "[2001:db8::1]", "/a", 1)).isEqualTo("http://[2001:db8::1]:9000/a");
  }

  @Test
  void pathRedirectKeepsRequestQuery() {
    Redirect r = redirect(null, null, 0, "/new", null, false);
    assertThat(location(r, "http", "h", "/old?x=1", 1)).isEqualTo("http://h/new?x=1");
    assertThat(location(r, "http", "h", "/old", 1)).isEqualTo("http://h/new");
  }

  @Test
  void pathRedirectStripQuery() {
    Redirect r = redirect(null, null, 0, "/new", null, true);
    assertThat(location(r, "http", "h", "/old?x=1", 1)).isEqualTo("http://h/new");
  }

  @Test
  void pathRedirectWithQueryWinsAndIsNotStripped() {
    Redirect r = redirect(null, null, 0, "/new?from=redirect", null, true);
    assertThat(location(r, "http", "h", "/old?x=1", 1)).isEqualTo("http://h/new?from=redirect");
  }

  @Test
  void pathRedirectGetsLeadingSlash() {
    Redirect r = redirect(null, null, 0, "new", null, false);
    assertThat(location(r, "http", "h", "/old", 1)).isEqualTo("http://h/new");
  }

  @Test
  void prefixRewriteReplacesMatchedPrefixAndKeepsQuery() {
    Redirect r = redirect(null, null, 0, null, "/v2", false);
    assertThat(location(r, "http", "h", "/v1/users?id=7", 3)).isEqualTo("http://h/v2/users?id=7");
  }

  @Test
  void prefixRewriteWithStripQuery() {
    Redirect r = redirect(null, null, 0, null, "/v2", true);
    assertThat(location(r, "http", "h", "/v1/users?id=7", 3)).isEqualTo("http://h/v2/users");
  }

  @Test
  void stripQueryAlone() {
    Redirect r = redirect(null, null, 0, null, null, true);
    assertThat(location(r, "https", "h", "/a?b", 1)).isEqualTo("https://h/a");
  }

  @Test
  void emptyStringsAreUnset() {
    Redirect r = redirect("", "", 0, "", null, false);
    assertThat(location(r, "http", "h:81", "/a?b", 1)).isEqualTo("http://h:81/a?b");
    r = redirect("", "", 0, null, "", false);
    assertThat(location(r, "http", "h:81", "/a?b", 1)).isEqualTo("http://h:81/a?b");
  }
}
