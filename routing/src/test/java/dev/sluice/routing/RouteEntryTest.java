package dev.sluice.routing;

import static dev.sluice.routing.Configs.compiled;
import static dev.sluice.routing.Configs.match;
import static dev.sluice.routing.Configs.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.HeaderMutations;
import dev.sluice.config.PathMatchConfig;
import dev.sluice.config.RouteActionConfig;
import dev.sluice.config.RouteActionConfig.Forward;
import dev.sluice.config.RouteActionConfig.RegexRewrite;
import dev.sluice.config.RouteActionConfig.WeightedCluster;
import dev.sluice.config.RouteMatchConfig;
import dev.sluice.config.SafeRegex;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteEntryTest {

  private static Forward forward(String prefixRewrite, RegexRewrite regexRewrite, String host, boolean autoHost,
      Duration timeout) {
    return new Forward(List.of(new WeightedCluster("c", 1, HeaderMutations.NONE)), prefixRewrite, regexRewrite,
        host, autoHost, timeout);
  }

  private static RouteEntry forwardEntry(RouteMatchConfig match, Forward forward) {
    return compiled(route("r", match, forward));
  }

  private static RouteEntry prefixRewrite(RouteMatchConfig match, String rewrite) {
    return forwardEntry(match, forward(rewrite, null, null, false, Duration.ofSeconds(15)));
  }

  @Test
  void forwardAccessors() {
    RouteEntry entry = forwardEntry(RouteMatchConfig.prefix("/"),
        forward(null, null, "upstream.internal", false, Duration.ofMillis(2500)));
    assertThat(entry.kind()).isEqualTo(RouteEntry.Kind.FORWARD);
    assertThat(entry.name()).isEqualTo("r");
    assertThat(entry.virtualHostName()).isEqualTo("vh");
    assertThat(entry.hostRewriteLiteral()).isEqualTo("upstream.internal");
    assertThat(entry.autoHostRewrite()).isFalse();
    assertThat(entry.timeoutMillis()).isEqualTo(2500);
    assertThat(entry.isWeighted()).isFalse();
    assertThat(entry.pickCluster(42).clusterName()).isEqualTo("c");
    assertThat(entry.redirectCode()).isZero();
    assertThat(entry.directStatus()).isZero();
    assertThat(entry.directBody()).isNull();
  }

  @Test
  void defaultsOfASimpleForward() {
    RouteEntry entry = compiled(route("r", RouteMatchConfig.prefix("/"), Forward.to("c")));
    assertThat(entry.timeoutMillis()).isEqualTo(15_000);
    assertThat(entry.hostRewriteLiteral()).isNull();
    String path = "/a?b";
    assertThat(entry.rewritePath(path)).isSameAs(path);
  }

  @Test
  void autoHostRewriteAndZeroTimeout() {
    RouteEntry entry = forwardEntry(RouteMatchConfig.prefix("/"), forward(null, null, null, true, Duration.ZERO));
    assertThat(entry.autoHostRewrite()).isTrue();
    assertThat(entry.hostRewriteLiteral()).isNull();
    assertThat(entry.timeoutMillis()).isZero();
  }

  @Test
  void prefixRewriteReplacesMatchedPrefix() {
    RouteEntry entry = prefixRewrite(RouteMatchConfig.prefix("/api/"), "/");
    assertThat(entry.rewritePath("/api/users?id=1")).isEqualTo("/users?id=1");
    assertThat(entry.rewritePath("/api/")).isEqualTo("/");
  }

  @Test
  void prefixRewriteOfCaseInsensitiveRoute() {
    RouteEntry entry = prefixRewrite(
        new RouteMatchConfig(new PathMatchConfig.Prefix("/API"), false, List.of(), List.of()), "/v2");
    assertThat(entry.rewritePath("/api/x")).isEqualTo("/v2/x");
    assertThat(entry.rewritePath("/Api/x?q")).isEqualTo("/v2/x?q");
  }

  @Test
  void prefixRewriteOfSeparatedPrefixAndExactRoutes() {
    assertThat(prefixRewrite(match(new PathMatchConfig.SeparatedPrefix("/v1")), "/v2").rewritePath("/v1/x?y"))
        .isEqualTo("/v2/x?y");
    assertThat(prefixRewrite(match(new PathMatchConfig.Exact("/old")), "/new").rewritePath("/old?y"))
        .isEqualTo("/new?y");
  }

  @Test
  void prefixRewriteOfRegexRouteReplacesWholePath() {
    RouteEntry entry = prefixRewrite(match(new PathMatchConfig.Regex(SafeRegex.compile("/a/.*"))), "/b");
    assertThat(entry.rewritePath("/a/xyz?q=1")).isEqualTo("/b?q=1");
  }

  @Test
  void emptyPrefixRewriteIsUnset() {
    RouteEntry entry = prefixRewrite(RouteMatchConfig.prefix("/api"), "");
    assertThat(entry.rewritePath("/api/x")).isEqualTo("/api/x");
  }

  @Test
  void regexRewrite() {
    RouteEntry entry = forwardEntry(RouteMatchConfig.prefix("/"), forward(null,
        new RegexRewrite(SafeRegex.compile("^/service/([^/]+)(/.*)$"), "\\2/instance/\\1"), null, false,
        Duration.ofSeconds(1)));
    assertThat(entry.rewritePath("/service/foo/v1/api?x=/service/a/b")).isEqualTo("/v1/api/instance/foo?x=/service/a/b");
    assertThat(entry.rewritePath("/other")).isEqualTo("/other");
  }

  @Test
  void redirectEntry() {
    RouteEntry entry = compiled(route("r", RouteMatchConfig.prefix("/old"),
        new RouteActionConfig.Redirect("https", null, 0, null, "/new", 308, false)));
    assertThat(entry.kind()).isEqualTo(RouteEntry.Kind.REDIRECT);
    assertThat(entry.redirectCode()).isEqualTo(308);
    assertThat(entry.redirectLocation(TestRequest.get("example.com:80", "/old/page?x=1")))
        .isEqualTo("https://example.com/new/page?x=1");
    assertThat(entry.timeoutMillis()).isZero();
    assertThat(entry.rewritePath("/old/x")).isEqualTo("/old/x");
    assertThatThrownBy(() -> entry.pickCluster(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void redirectResponseCodes() {
    for (int code : new int[] {301, 302, 303, 307, 308}) {
      RouteEntry entry = compiled(route("r", RouteMatchConfig.prefix("/"),
          new RouteActionConfig.Redirect(null, "h", 0, null, null, code, false)));
      assertThat(entry.redirectCode()).isEqualTo(code);
      assertThat(entry.redirectLocation(TestRequest.get("x", "/p"))).isEqualTo("http://h/p");
    }
  }

  @Test
  void redirectPrefixRewriteOfCaseInsensitiveSeparatedPrefix() {
    RouteEntry entry = compiled(route("r",
        new RouteMatchConfig(new PathMatchConfig.SeparatedPrefix("/Docs"), false, List.of(), List.of()),
        new RouteActionConfig.Redirect(null, null, 0, null, "/documentation", 302, true)));
    assertThat(entry.redirectLocation(TestRequest.get("h", "/DOCS/intro?lang=en")))
        .isEqualTo("http://h/documentation/intro");
  }

  @Test
  void directResponseEntry() {
    RouteEntry entry = compiled(route("r", RouteMatchConfig.prefix("/"),
        new RouteActionConfig.DirectResponse(503, "maintenance")));
    assertThat(entry.kind()).isEqualTo(RouteEntry.Kind.DIRECT_RESPONSE);
    assertThat(entry.directStatus()).isEqualTo(503);
    assertThat(entry.directBody()).isEqualTo("maintenance");
    assertThat(entry.redirectCode()).isZero();
    assertThatThrownBy(() -> entry.redirectLocation(TestRequest.get("h", "/")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> entry.pickCluster(0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void directResponseWithoutBody() {
    RouteEntry entry = compiled(route("r", RouteMatchConfig.prefix("/"), new RouteActionConfig.DirectResponse(204, null)));
    assertThat(entry.directBody()).isNull();
    assertThat(entry.directStatus()).isEqualTo(204);
  }
}
