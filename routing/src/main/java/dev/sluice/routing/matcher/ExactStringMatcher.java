package dev.sluice.routing.matcher;

/** The value equals the expected one (ASCII case folded with {@code ignore_case}). */
public final class ExactStringMatcher implements StringMatcher {
  private final String expected;
  private final boolean ignoreCase;

  public ExactStringMatcher(String expected, boolean ignoreCase) {
    this.expected = expected;
    this.ignoreCase = ignoreCase;
  }

  @Override
  public boolean matches(String value) {
    if (!ignoreCase) {
      return expected.equals(value);
    }
    return value.length() == expected.length()
        && Ascii.regionEqualsIgnoreCase(value, 0, expected, 0, expected.length());
  }
}
