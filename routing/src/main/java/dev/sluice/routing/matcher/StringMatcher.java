package dev.sluice.routing.matcher;

import dev.sluice.config.StringMatch;

/** A compiled Envoy {@code StringMatcher}: one way to test a whole string value. */
public sealed interface StringMatcher
    permits ExactStringMatcher, PrefixStringMatcher, SuffixStringMatcher, ContainsStringMatcher,
        RegexStringMatcher {

  boolean matches(String value);

  static StringMatcher of(StringMatch match) {
    if (match instanceof StringMatch.Exact exact) {
      return new ExactStringMatcher(exact.value(), exact.ignoreCase());
    } else if (match instanceof StringMatch.Prefix prefix) {
      return new PrefixStringMatcher(prefix.value(), prefix.ignoreCase());
    } else if (match instanceof StringMatch.Suffix suffix) {
      return new SuffixStringMatcher(suffix.value(), suffix.ignoreCase());
    } else if (match instanceof StringMatch.Contains contains) {
      return new ContainsStringMatcher(contains.value(), contains.ignoreCase());
    } else if (match instanceof StringMatch.Regex regex) {
      return new RegexStringMatcher(regex.regex());
    }
    throw new IllegalArgumentException("unknown string match " + match);
  }
}
