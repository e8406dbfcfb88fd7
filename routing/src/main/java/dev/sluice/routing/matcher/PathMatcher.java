package dev.sluice.routing.matcher;

import dev.sluice.config.PathMatchConfig;

/**
 * A compiled route path rule. Every rule sees only the path part of the request target: Envoy
 * strips the query and the fragment before path matching ({@code PathMatcher::match} calls
 * {@code removeQueryAndFragment}), so callers pass the target and the index where its path ends.
 */
public sealed interface PathMatcher
    permits PrefixPathMatcher, ExactPathMatcher, SeparatedPrefixPathMatcher, RegexPathMatcher {

  /** True when {@code target[0, pathEnd)} satisfies the rule. */
  boolean matches(String target, int pathEnd);

  /**
   * How many leading characters of a matching target {@code prefix_rewrite} replaces: the
   * configured value for prefix, exact and separated-prefix rules, the whole path for a regex
   * (Envoy passes the matched pattern, or the whole path for {@code safe_regex}).
   */
  int rewrittenLength(int pathEnd);

  /**
   * {@code case_sensitive = false} applies to prefix, exact and separated-prefix rules only; Envoy
   * leaves {@code safe_regex} as written.
   */
  static PathMatcher of(PathMatchConfig config, boolean caseSensitive) {
    if (config instanceof PathMatchConfig.Prefix prefix) {
      return new PrefixPathMatcher(prefix.prefix(), !caseSensitive);
    } else if (config instanceof PathMatchConfig.Exact exact) {
      return new ExactPathMatcher(exact.path(), !caseSensitive);
    } else if (config instanceof PathMatchConfig.SeparatedPrefix separated) {
      return new SeparatedPrefixPathMatcher(separated.prefix(), !caseSensitive);
    } else if (config instanceof PathMatchConfig.Regex regex) {
      return new RegexPathMatcher(regex.regex());
    }
    throw new IllegalArgumentException("unknown path match " + config);
  }

  /** Index of the first {@code ?} or {@code #} in {@code target}, or its length. */
  static int pathEnd(String target) {
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c == '?' || c == '#') {
        return i;
      }
    }
    return target.length();
  }
}
