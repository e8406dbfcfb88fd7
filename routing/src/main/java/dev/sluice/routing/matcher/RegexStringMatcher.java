package dev.sluice.routing.matcher;

import dev.sluice.config.SafeRegex;

/**
 * The whole value matches an RE2 expression, as Envoy's {@code safe_regex} (a full match, not a
 * search). Case folding, when wanted, is compiled into the expression by the config decoder.
 */
public final class RegexStringMatcher implements StringMatcher {
  private final SafeRegex regex;

  public RegexStringMatcher(SafeRegex regex) {
    this.regex = regex;
  }

  @Override
  public boolean matches(String value) {
    return regex.matchesFully(value);
  }
}
