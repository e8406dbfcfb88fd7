package dev.sluice.routing.action;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.SafeRegex;
import org.junit.jupiter.api.Test;

class PathRewriterTest {

  private static String prefix(String replacement, String target, int matchedLength) {
    return new PrefixPathRewriter(replacement).rewrite(target, pathEnd(target), matchedLength);
  }

  private static String regex(String pattern, String substitution, String target) {
    return new RegexPathRewriter(SafeRegex.compile(pattern), substitution).rewrite(target, pathEnd(target), 0);
  }

  private static int pathEnd(String target) {
    int q = target.indexOf('?');
    return q < 0 ? target.length() : q;
  }

  @Test
  void prefixReplacesMatchedCharactersAndKeepsQuery() {
    assertThat(prefix("/v2", "/v1/users?id=1", 3)).isEqualTo("/v2/users?id=1");
    assertThat(prefix("/", "/api/users", 5)).isEqualTo("/users");
    assertThat(prefix("/new", "/OLD/x", 4)).isEqualTo("/new/x");
  }

  @Test
  void prefixOfWholePath() {
    assertThat(prefix("/index.html", "/?q", 1)).isEqualTo("/index.html?q");
  }

  @Test
  void regexReplacesEveryMatchInPathOnly() {
    assertThat(regex("a", "b", "/aaa?a=a")).isEqualTo("/bbb?a=a");
  }

  @Test
  void regexGroupReferencesUseBackslashDigits() {
    assertThat(regex("^/service/([^/]+)(/.*)$", "\\2/instance/\\1", "/service/foo/v1/api"))
        .isEqualTo("/v1/api/instance/foo");
    assertThat(regex("/(x)", "[\\0]", "/x/x")).isEqualTo("[/x][/x]");
  }

  @Test
  void regexDigitAfterGroupIsLiteral() {
    // RE2 reads "\10" as group 1 then '0'.
    assertThat(regex("/(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)", "\\10", "/abcdefghij")).isEqualTo("a0");
  }

  @Test
  void regexDollarAndBackslashAreLiteral() {
    assertThat(regex("/p", "/$1\\\\x", "/p")).isEqualTo("/$1\\x");
    assertThat(regex("/p", "/\\q", "/p")).isEqualTo("/\\q");
  }

  @Test
  void regexUnmatchedGroupInsertsNothing() {
    assertThat(regex("/(a)?b", "/[\\1]", "/b")).isEqualTo("/[]");
  }

  @Test
  void regexEmptyMatchesFollowRe2GlobalReplace() {
    // RE2 refuses an empty match right where the previous match ended.
    assertThat(new RegexPathRewriter(SafeRegex.compile("x*"), "-").replaceAll("abxc")).isEqualTo("-a-b-c-");
    assertThat(new RegexPathRewriter(SafeRegex.compile(""), "-").replaceAll("ab")).isEqualTo("-a-b-");
  }

  @Test
  void regexWithoutMatchReturnsSamePath() {
    String target = "/unchanged?x=1";
    assertThat(regex("zzz", "y", target)).isEqualTo(target);
  }

  @Test
  void regexCollapsesSlashes() {
    assertThat(regex("/+", "/", "//a///b?c=//")).isEqualTo("/a/b?c=//");
  }
}
