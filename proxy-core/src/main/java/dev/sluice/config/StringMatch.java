package dev.sluice.config;

import java.util.Objects;

/** Envoy's {@code StringMatcher}: one way to compare a string value. */
public sealed interface StringMatch {

  record Exact(String value, boolean ignoreCase) implements StringMatch {
    public Exact {
      Objects.requireNonNull(value, "value");
    }
  }

  record Prefix(String value, boolean ignoreCase) implements StringMatch {
    public Prefix {
      Objects.requireNonNull(value, "value");
    }
  }

  record Suffix(String value, boolean ignoreCase) implements StringMatch {
    public Suffix {
      Objects.requireNonNull(value, "value");
    }
  }

  record Contains(String value, boolean ignoreCase) implements StringMatch {
    public Contains {
      Objects.requireNonNull(value, "value");
    }
  }

  /** The whole value matches the expression (compile it case-insensitive for {@code ignore_case}). */
  record Regex(SafeRegex regex) implements StringMatch {
    public Regex {
      Objects.requireNonNull(regex, "regex");
    }
  }
}
