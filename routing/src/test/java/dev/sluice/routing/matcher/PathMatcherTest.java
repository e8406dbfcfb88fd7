package dev.sluice.routing.matcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.PathMatchConfig;
import dev.sluice.config.SafeRegex;
import org.junit.jupiter.api.Test;

class PathMatcherTest {

  private static boolean matches(PathMatcher matcher, String target) {
    return matcher.matches(target, PathMatcher.pathEnd(target));
  }

  @Test
  void pathEndStopsAtQueryOrFragment() {
    assertThat(PathMatcher.pathEnd("/a/b")).isEqualTo(4);
    assertThat(PathMatcher.pathEnd("/a?x=1")).isEqualTo(2);
    assertThat(PathMatcher.pathEnd("/a#f")).isEqualTo(2);
    assertThat(PathMatcher.pathEnd("?x")).isZero();
  }

  @Test
  void prefixMatchesStartOfPath() {
    PathMatcher matcher = PathMatcher.of(new PathMatchConfig.Prefix("/api"), true);
    assertThat(matcher).isInstanceOf(PrefixPathMatcher.class);
    assertThat(matches(matcher, "/api")).isTrue();
    assertThat(matches(matcher, "/api/v1")).isTrue();
    assertThat(matches(matcher, "/apis")).isTrue();
    assertThat(matches(matcher, "/ap")).isFalse();
    assertThat(matches(matcher, "/API")).isFalse();
  }

  @Test
  void prefixDoesNotReachIntoTheQuery() {
    PathMatcher matcher = PathMatcher.of(new PathMatchConfig.Prefix("/a?b"), true);
    assertThat(matches(matcher, "/a?b=1")).isFalse();
    PathMatcher longer = PathMatcher.of(new PathMatchConfig.Prefix("/abc"), true);
    assertThat(matches(longer, "/ab?c")).isFalse();
  }

  @Test
  void prefixCaseInsensitive() {
    PathMatcher matcher = PathMatcher.of(new PathMatchConfig.Prefix("/Api"), false);
    assertThat(matches(matcher, "/aPI/x")).isTrue();
    assertThat(matches(matcher, "/apx")).isFalse();
  }

  @Test
  void exactIgnoresQuery() {
    PathMatcher matcher = PathMatcher.of(new PathMatchConfig.Exact("/login"), true);
    assertThat(matcher).isInstanceOf(ExactPathMatcher.class);
    assertThat(matches(matcher, "/login")).isTrue();
    assertThat(matches(matcher, "/login?next=/x")).isTrue();
    assertThat(matches(matcher, "/login#top")).isTrue();
    assertThat(matches(matcher, "/login/")).isFalse();
    assertThat(matches(matcher, "/log")).isFalse();
    assertThat(matches(matcher, "/LOGIN")).isFalse();
  }

  @Test
  void exactCaseInsensitive() {
    PathMatcher matcher = PathMatcher.of(new PathMatchConfig.Exact("/Login"), false);
    assertThat(matches(matcher, "/lOGIN?x")).isTrue();
    assertThat(matches(matcher, "/logins")).isFalse();
  }

  @Test
  void separatedPrefixNeedsSegmentBoundary() {
    PathMatcher matcher = PathMatcher.of(new PathMatchConfig.SeparatedPrefix("/api"), true);
    assertThat(matcher).isInstanceOf(SeparatedPrefixPathMatcher.class);
    assertThat(matches(matcher, "/api")).isTrue();
    assertThat(matches(matcher, "/api/")).isTrue();
    assertThat(matches(matcher, "/api/v1")).isTrue();
    assertThat(matches(matcher, "/api?x=1")).isTrue();
    assertThat(matches(matcher, "/api#frag")).isTrue();
    assertThat(matches(matcher, "/apis")).isFalse();
    assertThat(matches(matcher, "/ap")).isFalse();
    assertThat(matches(matcher, "/API/v1")).isFalse();
  }

  @Test
  void separatedPrefixCaseInsensitive() {
    PathMatcher matcher = PathMatcher.of(new PathMatchConfig.SeparatedPrefix("/api"), false);
    assertThat(matches(matcher, "/API/v1")).isTrue();
    assertThat(matches(matcher, "/APIs")).isFalse();
  }

  @Test
  void regexMatchesWholePathWithoutQuery() {
    PathMatcher matcher = PathMatcher.of(new PathMatchConfig.Regex(SafeRegex.compile("/users/[0-9]+")), true);
    assertThat(matcher).isInstanceOf(RegexPathMatcher.class);
    assertThat(matches(matcher, "/users/42")).isTrue();
    assertThat(matches(matcher, "/users/42?tab=1")).isTrue();
    assertThat(matches(matcher, "/users/42/posts")).isFalse();
    assertThat(matches(matcher, "/x/users/42")).isFalse();
  }

  @Test
  void caseSensitiveFalseDoesNotApplyToRegex() {
    PathMatcher matcher = PathMatcher.of(new PathMatchConfig.Regex(SafeRegex.compile("/users")), false);
    assertThat(matches(matcher, "/users")).isTrue();
    assertThat(matches(matcher, "/USERS")).isFalse();
  }

  @Test
  void rewrittenLengthIsConfiguredValueOrWholePathForRegex() {
    assertThat(PathMatcher.of(new PathMatchConfig.Prefix("/api"), true).rewrittenLength(10)).isEqualTo(4);
    assertThat(PathMatcher.of(new PathMatchConfig.Exact("/a/b"), true).rewrittenLength(4)).isEqualTo(4);
    assertThat(PathMatcher.of(new PathMatchConfig.SeparatedPrefix("/v1"), true).rewrittenLength(9)).isEqualTo(3);
    assertThat(PathMatcher.of(new PathMatchConfig.Regex(SafeRegex.compile("/.*")), true).rewrittenLength(9))
        .isEqualTo(9);
  }
}
