package dev.sluice.routing;

import static dev.sluice.routing.Configs.config;
import static dev.sluice.routing.Configs.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.HeaderMutations;
import dev.sluice.config.RouteConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualHostSelectionTest {

  private static String select(RouteTable table, String authority) {
    RouteEntry entry = table.route(TestRequest.get(authority, "/"));
    return entry == null ? null : entry.virtualHostName();
  }

  private final RouteTable table = RouteTable.compile(config(
      vhost("exact", "www.example.com", "api.example.com"),
      vhost("suffix-dot", "*.example.com"),
      vhost("suffix-dash", "*-bar.example.com"),
      vhost("suffix-long", "*.deep.example.com"),
      vhost("prefix-short", "www.*"),
      vhost("prefix-long", "www.example.*"),
      vhost("default", "*")));

  @Test
  void exactDomainWins() {
    assertThat(select(table, "www.example.com")).isEqualTo("exact");
    assertThat(select(table, "api.example.com")).isEqualTo("exact");
  }

  @Test
  void exactDomainIgnoresCase() {
    assertThat(select(table, "WWW.Example.COM")).isEqualTo("exact");
  }

  @Test
  void domainConfiguredInUpperCaseMatchesLowerCase() {
    RouteTable upper = RouteTable.compile(config(vhost("upper", "Shop.Example.COM", "*.Upper.Example.com")));
    assertThat(select(upper, "shop.example.com")).isEqualTo("upper");
    assertThat(select(upper, "x.upper.example.com")).isEqualTo("upper");
  }

  @Test
  void longestSuffixWildcardFirst() {
    assertThat(select(table, "foo-bar.example.com")).isEqualTo("suffix-dash");
    assertThat(select(table, "a.deep.example.com")).isEqualTo("suffix-long");
    assertThat(select(table, "foo.example.com")).isEqualTo("suffix-dot");
    assertThat(select(table, "FOO-BAR.EXAMPLE.COM")).isEqualTo("suffix-dash");
  }

  @Test
  void suffixWildcardDoesNotMatchEmptyString() {
    RouteTable t = RouteTable.compile(config(vhost("dash", "*-bar.foo.com"), vhost("default", "*")));
    assertThat(select(t, "-bar.foo.com")).isEqualTo("default");
    assertThat(select(t, "baz-bar.foo.com")).isEqualTo("dash");
    RouteTable dot = RouteTable.compile(config(vhost("dot", "*.foo.com"), vhost("default", "*")));
    assertThat(select(dot, ".foo.com")).isEqualTo("default");
    assertThat(select(dot, "foo.com")).isEqualTo("default");
  }

  @Test
  void suffixWildcardsBeforePrefixWildcards() {
    RouteTable t = RouteTable.compile(config(vhost("prefix", "www.example.*"), vhost("suffix", "*.com")));
    assertThat(select(t, "www.example.com")).isEqualTo("suffix");
  }

  @Test
  void longestPrefixWildcardFirst() {
    assertThat(select(table, "www.example.org")).isEqualTo("prefix-long");
    assertThat(select(table, "www.other.org")).isEqualTo("prefix-short");
  }

  @Test
  void prefixWildcardDoesNotMatchEmptyString() {
    RouteTable t = RouteTable.compile(config(vhost("prefix", "www.*"), vhost("default", "*")));
    assertThat(select(t, "www.")).isEqualTo("default");
    assertThat(select(t, "www.x")).isEqualTo("prefix");
  }

  @Test
  void fallsBackToStar() {
    assertThat(select(table, "unknown.org")).isEqualTo("default");
  }

  @Test
  void noStarMeansMiss() {
    RouteTable t = RouteTable.compile(config(vhost("only", "a.com")));
    assertThat(select(t, "b.com")).isNull();
    assertThat(select(t, null)).isNull();
  }

  @Test
  void portIsPartOfTheMatchedHost() {
    // ignore_port_in_host_matching defaults to false: the authority is matched whole.
    RouteTable t = RouteTable.compile(config(vhost("plain", "example.com"), vhost("default", "*")));
    assertThat(select(t, "example.com")).isEqualTo("plain");
    assertThat(select(t, "example.com:80")).isEqualTo("default");
    assertThat(select(t, "example.com:8080")).isEqualTo("default");
  }

  @Test
  void domainWithPortMatchesAuthorityWithThatPort() {
    RouteTable t = RouteTable.compile(config(vhost("port", "example.com:8080"), vhost("default", "*")));
    assertThat(select(t, "example.com:8080")).isEqualTo("port");
    assertThat(select(t, "example.com")).isEqualTo("default");
    assertThat(select(t, "example.com:9090")).isEqualTo("default");
  }

  @Test
  void suffixWildcardDoesNotMatchAuthorityWithPort() {
    RouteTable t = RouteTable.compile(config(
        vhost("suffix", "*.example.com"), vhost("suffix-port", "*.example.com:8080"), vhost("default", "*")));
    assertThat(select(t, "a.example.com")).isEqualTo("suffix");
    assertThat(select(t, "a.example.com:8080")).isEqualTo("suffix-port");
    assertThat(select(t, "a.example.com:9090")).isEqualTo("default");
  }

  @Test
  void prefixWildcardMatchesAuthorityWithPort() {
    RouteTable t = RouteTable.compile(config(vhost("prefix", "example.*"), vhost("default", "*")));
    assertThat(select(t, "example.com:8080")).isEqualTo("prefix");
  }

  @Test
  void onlyStarServesRequestsWithoutAuthority() {
    RouteTable t = RouteTable.compile(config(vhost("default", "*")));
    assertThat(select(t, null)).isEqualTo("default");
    assertThat(select(t, "anything:1")).isEqualTo("default");
  }

  @Test
  void requestWithoutAuthorityMissesWhenOtherDomainsExist() {
    RouteTable t = RouteTable.compile(config(vhost("a", "a.com"), vhost("default", "*")));
    assertThat(select(t, null)).isNull();
    assertThat(select(t, "")).isEqualTo("default");
  }

  @Test
  void firstVirtualHostKeepsADuplicatedDomain() {
    RouteTable t = RouteTable.compile(config(vhost("first", "a.com", "*"), vhost("second", "A.com", "*")));
    assertThat(select(t, "a.com")).isEqualTo("first");
    assertThat(select(t, "b.com")).isEqualTo("first");
  }

  @Test
  void manyDomainsAllFound() {
    List<String> domains = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      domains.add("host" + i + ".example.com");
    }
    RouteTable t = RouteTable.compile(new RouteConfig("rc",
        List.of(vhost("many", domains.toArray(new String[0])), vhost("default", "*")), HeaderMutations.NONE));
    for (int i = 0; i < 500; i++) {
      assertThat(select(t, "HOST" + i + ".example.com")).isEqualTo("many");
    }
    assertThat(select(t, "host500.example.com")).isEqualTo("default");
  }
}
