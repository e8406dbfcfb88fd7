package dev.sluice.tls.verify;

import dev.sluice.config.StringMatch;
import dev.sluice.config.SubjectAltNameMatcher;
import dev.sluice.config.SubjectAltNameMatcher.SanType;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One compiled {@code match_typed_subject_alt_names} entry: true when any SAN of its type matches.
 * Case-insensitive comparisons lower-case ASCII, as Envoy's {@code ignore_case} does; regexes are
 * the RE2 patterns compiled with the configuration.
 */
public final class SanMatcher {
  private final SubjectAltNameMatcher config;
  private final Predicate<String> valueMatcher;

  private SanMatcher(SubjectAltNameMatcher config, Predicate<String> valueMatcher) {
    this.config = config;
    this.valueMatcher = valueMatcher;
  }

  public static SanMatcher compile(SubjectAltNameMatcher config) {
    Objects.requireNonNull(config, "config");
    return new SanMatcher(config, compile(config.sanType(), config.matcher()));
  }

  public SanType sanType() {
    return config.sanType();
  }

  /** True when a SAN of this matcher's type matches. */
  public boolean matches(SubjectAltNames sans) {
    for (String value : sans.values(config.sanType())) {
      if (valueMatcher.test(value)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Envoy's {@code dnsNameMatch}: {@code name} equals {@code pattern} ignoring case, or
   * {@code pattern} has a single {@code *} in its left-most label only (never in an A-label, RFC
   * 5890 section 2.3.2.5) and that label matches {@code name}'s left-most label while the rest is
   * equal. A wildcard never spans a dot, so {@code *.example.com} does not match
   * {@code a.b.example.com} nor {@code example.com}.
   */
  public static boolean dnsNameMatches(String name, String pattern) {
    String lowerName = name.toLowerCase(Locale.ROOT);
    String lowerPattern = pattern.toLowerCase(Locale.ROOT);
    if (lowerName.equals(lowerPattern)) {
      return true;
    }
    int patternDot = lowerPattern.indexOf('.');
    int nameDot = lowerName.indexOf('.');
    if (patternDot < 0 || nameDot < 0) {
      return false;
    }
    String patternLabel = lowerPattern.substring(0, patternDot);
    String patternRest = lowerPattern.substring(patternDot + 1);
    if (patternLabel.indexOf('*') < 0 || patternRest.indexOf('*') >= 0 || patternLabel.startsWith("xn--")) {
      return false;
    }
    return patternRest.equals(lowerName.substring(nameDot + 1))
        && labelWildcardMatches(lowerName.substring(0, nameDot), patternLabel);
  }

  private static boolean labelWildcardMatches(String label, String pattern) {
    if (pattern.equals("*")) {
      return true;
    }
    int star = pattern.indexOf('*');
    if (star != pattern.lastIndexOf('*')) {
      return false;
    }
    return pattern.length() <= label.length() + 1
        && label.startsWith(pattern.substring(0, star))
        && label.endsWith(pattern.substring(star + 1));
  }

  private static Predicate<String> compile(SanType type, StringMatch match) {
    if (match instanceof StringMatch.Exact exact) {
      if (type == SanType.DNS) {
        // Envoy: an exact DNS matcher is checked with wildcard rules against the certificate's SAN.
        String expected = exact.value();
        return san -> dnsNameMatches(expected, san);
      }
      String expected = exact.value();
      return exact.ignoreCase() ? expected::equalsIgnoreCase : expected::equals;
    }
    if (match instanceof StringMatch.Prefix prefix) {
      String expected = prefix.value();
      return prefix.ignoreCase()
          ? san -> san.regionMatches(true, 0, expected, 0, expected.length())
          : san -> san.startsWith(expected);
    }
    if (match instanceof StringMatch.Suffix suffix) {
      String expected = suffix.value();
      return suffix.ignoreCase()
          ? san -> san.length() >= expected.length()
              && san.regionMatches(true, san.length() - expected.length(), expected, 0, expected.length())
          : san -> san.endsWith(expected);
    }
    if (match instanceof StringMatch.Contains contains) {
      if (contains.ignoreCase()) {
        String expected = contains.value().toLowerCase(Locale.ROOT);
        return san -> san.toLowerCase(Locale.ROOT).contains(expected);
      }
      String expected = contains.value();
      return san -> san.contains(expected);
    }
    if (match instanceof StringMatch.Regex regex) {
      return regex.regex()::matchesFully;
    }
    throw new IllegalArgumentException("unsupported string matcher " + match);
  }

  @Override
  public String toString() {
    return config.sanType() + " " + describe(config.matcher());
  }

  private static String describe(StringMatch match) {
    if (match instanceof StringMatch.Exact m) {
      return "exact '" + m.value() + "'" + (m.ignoreCase() ? " ignoring case" : "");
    }
    if (match instanceof StringMatch.Prefix m) {
      return "prefix '" + m.value() + "'" + (m.ignoreCase() ? " ignoring case" : "");
    }
    if (match instanceof StringMatch.Suffix m) {
      return "suffix '" + m.value() + "'" + (m.ignoreCase() ? " ignoring case" : "");
    }
    if (match instanceof StringMatch.Contains m) {
      return "contains '" + m.value() + "'" + (m.ignoreCase() ? " ignoring case" : "");
    }
    return "regex '" + ((StringMatch.Regex) match).regex().regex() + "'";
  }
}
