package dev.sluice.routing;

import static dev.sluice.routing.Configs.config;
import static dev.sluice.routing.Configs.forward;
import static dev.sluice.routing.Configs.match;
import static dev.sluice.routing.Configs.matchHeaders;
import static dev.sluice.routing.Configs.matchQuery;
import static dev.sluice.routing.Configs.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.HeaderMatchConfig;
import dev.sluice.config.PathMatchConfig;
import dev.sluice.config.QueryParamMatchConfig;
import dev.sluice.config.RouteMatchConfig;
import dev.sluice.config.RouteRuleConfig;
import dev.sluice.config.SafeRegex;
import dev.sluice.config.StringMatch;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteMatchingTest {

  private static RouteTable table(RouteRuleConfig... routes) {
    return RouteTable.compile(config(vhost("vh", List.of("*"), routes)));
  }

  private static String routeName(RouteTable table, RequestView request) {
    RouteEntry entry = table.route(request);
    return entry == null ? null : entry.name();
  }

  private static String routeName(RouteTable table, String path) {
    return routeName(table, TestRequest.get("h", path));
  }

  @Test
  void firstMatchWinsInConfigurationOrder() {
    RouteTable t = table(
        forward("broad", RouteMatchConfig.prefix("/"), "c1"),
        forward("specific", match(new PathMatchConfig.Exact("/exact")), "c2"));
    assertThat(routeName(t, "/exact")).isEqualTo("broad");

    RouteTable reordered = table(
        forward("specific", match(new PathMatchConfig.Exact("/exact")), "c2"),
        forward("broad", RouteMatchConfig.prefix("/"), "c1"));
    assertThat(routeName(reordered, "/exact")).isEqualTo("specific");
    assertThat(routeName(reordered, "/other")).isEqualTo("broad");
  }

  @Test
  void everyPathRuleKind() {
    RouteTable t = table(
        forward("exact", match(new PathMatchConfig.Exact("/login")), "c"),
        forward("regex", match(new PathMatchConfig.Regex(SafeRegex.compile("/users/[0-9]+"))), "c"),
        forward("separated", match(new PathMatchConfig.SeparatedPrefix("/api")), "c"),
        forward("prefix", RouteMatchConfig.prefix("/static"), "c"));
    assertThat(routeName(t, "/login?next=/")).isEqualTo("exact");
    assertThat(routeName(t, "/users/7?tab=2")).isEqualTo("regex");
    assertThat(routeName(t, "/users/x")).isNull();
    assertThat(routeName(t, "/api/v1")).isEqualTo("separated");
    assertThat(routeName(t, "/apis")).isNull();
    assertThat(routeName(t, "/static/app.js")).isEqualTo("prefix");
    assertThat(routeName(t, "/nothing")).isNull();
  }

  @Test
  void caseInsensitiveRoute() {
    RouteTable t = table(forward("ci",
        new RouteMatchConfig(new PathMatchConfig.Prefix("/Docs"), false, List.of(), List.of()), "c"));
    assertThat(routeName(t, "/DOCS/intro")).isEqualTo("ci");
    assertThat(routeName(t, "/doc")).isNull();
    RouteTable sensitive = table(forward("cs", RouteMatchConfig.prefix("/Docs"), "c"));
    assertThat(routeName(sensitive, "/docs/intro")).isNull();
  }

  @Test
  void allHeaderMatchersMustMatch() {
    RouteTable t = table(forward("both", matchHeaders(new PathMatchConfig.Prefix("/"),
        HeaderMatchConfig.value("x-env", new StringMatch.Exact("canary", false)),
        HeaderMatchConfig.present("x-user", true)), "c"));
    TestRequest request = TestRequest.get("h", "/");
    assertThat(routeName(t, request.withHeaders(Map.of("x-env", "canary", "x-user", "u")))).isEqualTo("both");
    assertThat(routeName(t, request.withHeaders(Map.of("x-env", "canary")))).isNull();
    assertThat(routeName(t, request.withHeaders(Map.of("x-env", "prod", "x-user", "u")))).isNull();
  }

  @Test
  void headerMatcherNameIsCaseInsensitive() {
    RouteTable t = table(forward("r", matchHeaders(new PathMatchConfig.Prefix("/"),
        HeaderMatchConfig.value("X-Env", new StringMatch.Exact("canary", false))), "c"));
    assertThat(routeName(t, TestRequest.get("h", "/").withHeaders(Map.of("x-env", "canary")))).isEqualTo("r");
  }

  @Test
  void headerAbsenceRoutesFallThrough() {
    RouteTable t = table(
        forward("anonymous", matchHeaders(new PathMatchConfig.Prefix("/"),
            HeaderMatchConfig.present("authorization", false)), "public"),
        forward("signed-in", RouteMatchConfig.prefix("/"), "private"));
    TestRequest request = TestRequest.get("h", "/");
    assertThat(routeName(t, request)).isEqualTo("anonymous");
    assertThat(routeName(t, request.withHeaders(Map.of("authorization", "Bearer x")))).isEqualTo("signed-in");
  }

  @Test
  void pseudoHeadersComeFromTheRequestFields() {
    RouteTable t = table(
        forward("post", matchHeaders(new PathMatchConfig.Prefix("/"),
            HeaderMatchConfig.value(":method", new StringMatch.Exact("POST", false))), "c"),
        forward("https", matchHeaders(new PathMatchConfig.Prefix("/"),
            HeaderMatchConfig.value(":scheme", new StringMatch.Exact("https", false))), "c"),
        forward("authority", matchHeaders(new PathMatchConfig.Prefix("/"),
            HeaderMatchConfig.value(":authority", new StringMatch.Suffix(":8443", false))), "c"),
        forward("query", matchHeaders(new PathMatchConfig.Prefix("/"),
            HeaderMatchConfig.value(":path", new StringMatch.Contains("?debug", false))), "c"));
    assertThat(routeName(t, TestRequest.get("h", "/").withMethod("POST"))).isEqualTo("post");
    assertThat(routeName(t, TestRequest.get("h", "/").withScheme("https"))).isEqualTo("https");
    assertThat(routeName(t, TestRequest.get("h:8443", "/"))).isEqualTo("authority");
    assertThat(routeName(t, TestRequest.get("h", "/x?debug=1"))).isEqualTo("query");
    assertThat(routeName(t, TestRequest.get("h", "/x"))).isNull();
  }

  @Test
  void pseudoHeadersDoNotDependOnTheAdaptersHeaderMethod() {
    RequestView request = new RequestView() {
      @Override public String method() { return "DELETE"; }
      @Override public String authority() { return "h"; }
      @Override public String path() { return "/"; }
      @Override public String scheme() { return "http"; }
      @Override public String header(String lowerCaseName) { return null; }
    };
    RouteTable t = table(forward("delete", matchHeaders(new PathMatchConfig.Prefix("/"),
        HeaderMatchConfig.value(":method", new StringMatch.Exact("DELETE", false))), "c"));
    assertThat(routeName(t, request)).isEqualTo("delete");
  }

  @Test
  void queryParameterMatchers() {
    RouteTable t = table(
        forward("v2", matchQuery(new PathMatchConfig.Prefix("/"),
            new QueryParamMatchConfig("version", new StringMatch.Exact("2", false))), "c"),
        forward("debug", matchQuery(new PathMatchConfig.Prefix("/"),
            new QueryParamMatchConfig("debug", null)), "c"),
        forward("rest", RouteMatchConfig.prefix("/"), "c"));
    assertThat(routeName(t, "/p?version=2")).isEqualTo("v2");
    assertThat(routeName(t, "/p?version=3&debug")).isEqualTo("debug");
    assertThat(routeName(t, "/p?version=%32")).isEqualTo("rest");
    assertThat(routeName(t, "/p")).isEqualTo("rest");
  }

  @Test
  void queryParameterAndPathTogether() {
    RouteTable t = table(forward("r", matchQuery(new PathMatchConfig.Exact("/search"),
        new QueryParamMatchConfig("q", new StringMatch.Prefix("a", false))), "c"));
    assertThat(routeName(t, "/search?q=abc")).isEqualTo("r");
    assertThat(routeName(t, "/search?q=xbc")).isNull();
    assertThat(routeName(t, "/other?q=abc")).isNull();
  }

  @Test
  void missingPathMisses() {
    RouteTable t = table(forward("r", RouteMatchConfig.prefix("/"), "c"));
    assertThat(t.route(new TestRequest("CONNECT", "h:443", null, "http", Map.of()))).isNull();
  }

  @Test
  void virtualHostWithoutRoutesMisses() {
    RouteTable t = RouteTable.compile(config(vhost("empty", List.of("*"))));
    assertThat(t.route(TestRequest.get("h", "/"))).isNull();
  }

  @Test
  void emptyTableMissesEverything() {
    RouteTable empty = RouteTable.empty();
    assertThat(empty.route(TestRequest.get("h", "/"))).isNull();
    assertThat(empty.route(TestRequest.get(null, "/"))).isNull();
    assertThat(empty.name()).isEmpty();
    assertThat(RouteTable.empty()).isSameAs(empty);
  }

  @Test
  void tableKeepsConfigurationName() {
    assertThat(table(forward("r", RouteMatchConfig.prefix("/"), "c")).name()).isEqualTo("rc");
  }

  @Test
  void lookupIsRepeatableAndReturnsTheSameEntry() {
    RouteTable t = table(forward("r", RouteMatchConfig.prefix("/"), "c"));
    RouteEntry first = t.route(TestRequest.get("h", "/a"));
    assertThat(t.route(TestRequest.get("h", "/b"))).isSameAs(first);
  }
}
