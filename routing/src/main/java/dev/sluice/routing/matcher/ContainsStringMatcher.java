package dev.sluice.routing.matcher;

/** The value contains the expected substring. */
public final class ContainsStringMatcher implements StringMatcher {
  private final String substring;
  private final boolean ignoreCase;

  public ContainsStringMatcher(String substring, boolean ignoreCase) {
    this.substring = substring;
    this.ignoreCase = ignoreCase;
  }

  @Override
  public boolean matches(String value) {
    return ignoreCase ? Ascii.indexOfIgnoreCase(value, substring) >= 0 : value.contains(substring);
  }
}
