package dev.sluice.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Objects;

/**
 * A configuration regular expression with RE2 semantics (linear-time matching, as Envoy's
 * {@code safe_regex}), compiled once when the configuration is decoded. Two instances are equal
 * when their expressions are.
 */
public final class SafeRegex {
  private final String regex;
  private final Pattern pattern;

  private SafeRegex(String regex, Pattern pattern) {
    this.regex = regex;
    this.pattern = pattern;
  }

  /**
   * Compiles {@code regex}.
   *
   * @throws IllegalArgumentException naming the expression and the syntax problem
   */
  public static SafeRegex compile(String regex) {
    Objects.requireNonNull(regex, "regex");
    try {
      return new SafeRegex(regex, Pattern.compile(regex));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("invalid regex '" + regex + "': " + e.getDescription(), e);
    }
  }

  /** Compiles {@code regex} ignoring case. */
  public static SafeRegex compileIgnoreCase(String regex) {
    Objects.requireNonNull(regex, "regex");
    try {
      return new SafeRegex(regex, Pattern.compile(regex, Pattern.CASE_INSENSITIVE));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("invalid regex '" + regex + "': " + e.getDescription(), e);
    }
  }

  public String regex() {
    return regex;
  }

  public Pattern pattern() {
    return pattern;
  }

  /** True when the whole of {@code input} matches. */
  public boolean matchesFully(String input) {
    return pattern.matcher(input).matches();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SafeRegex other
        && other.regex.equals(regex)
        && other.pattern.flags() == pattern.flags();
  }

  @Override
  public int hashCode() {
    return regex.hashCode();
  }

  @Override
  public String toString() {
    return regex;
  }
}
