package dev.sluice.routing.matcher;

/** The value starts with the expected prefix. */
public final class PrefixStringMatcher implements StringMatcher {
  private final String prefix;
  private final boolean ignoreCase;

  public PrefixStringMatcher(String prefix, boolean ignoreCase) {
    this.prefix = prefix;
    this.ignoreCase = ignoreCase;
  }

  @Override
  public boolean matches(String value) {
    return ignoreCase
        ? Ascii.regionEqualsIgnoreCase(value, 0, prefix, 0, prefix.length())
        : value.startsWith(prefix);
  }
}
