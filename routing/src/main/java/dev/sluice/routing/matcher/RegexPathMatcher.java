package dev.sluice.routing.matcher;

import dev.sluice.config.SafeRegex;

/** Envoy's {@code safe_regex}: the whole path, without query, matches the RE2 expression. */
public final class RegexPathMatcher implements PathMatcher {
  private final SafeRegex regex;

  public RegexPathMatcher(SafeRegex regex) {
    this.regex = regex;
  }

  @Override
  public boolean matches(String target, int pathEnd) {
    return regex.matchesFully(pathEnd == target.length() ? target : target.substring(0, pathEnd));
  }

  @Override
  public int rewrittenLength(int pathEnd) {
    return pathEnd;
  }
}
