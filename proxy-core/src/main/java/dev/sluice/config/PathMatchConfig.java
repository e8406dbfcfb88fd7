package dev.sluice.config;

import java.util.Objects;

/** The path rule of a route match, one of Envoy's {@code path_specifier} choices. */
public sealed interface PathMatchConfig {

  /** {@code prefix}: the path starts with the value. */
  record Prefix(String prefix) implements PathMatchConfig {
    public Prefix {
      Objects.requireNonNull(prefix, "prefix");
    }
  }

  /** {@code path}: the path (without query) equals the value. */
  record Exact(String path) implements PathMatchConfig {
    public Exact {
      Objects.requireNonNull(path, "path");
    }
  }

  /** {@code safe_regex}: the whole path (without query) matches the RE2 expression. */
  record Regex(SafeRegex regex) implements PathMatchConfig {
    public Regex {
      Objects.requireNonNull(regex, "regex");
    }
  }

  /**
   * {@code path_separated_prefix}: the path equals the value or continues with {@code /}, {@code ?}
   * or {@code #} after it.
   */
  record SeparatedPrefix(String prefix) implements PathMatchConfig {
    public SeparatedPrefix {
      Objects.requireNonNull(prefix, "prefix");
      if (!prefix.startsWith("/") || (prefix.length() > 1 && prefix.endsWith("/"))) {
        throw new IllegalArgumentException(
            "path_separated_prefix must start with '/' and must not end with '/': " + prefix);
      }
      if (prefix.indexOf('?') >= 0 || prefix.indexOf('#') >= 0) {
        throw new IllegalArgumentException("path_separated_prefix must not contain '?' or '#': " + prefix);
      }
    }
  }
}
