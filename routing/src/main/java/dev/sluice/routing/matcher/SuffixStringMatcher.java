package dev.sluice.routing.matcher;

/** The value ends with the expected suffix. */
public final class SuffixStringMatcher implements StringMatcher {
  private final String suffix;
  private final boolean ignoreCase;

  public SuffixStringMatcher(String suffix, boolean ignoreCase) {
    this.suffix = suffix;
    this.ignoreCase = ignoreCase;
  }

  @Override
  public boolean matches(String value) {
    return ignoreCase
        ? Ascii.regionEqualsIgnoreCase(value, value.length() - suffix.length(), suffix, 0, suffix.length())
        : value.endsWith(suffix);
  }
}
