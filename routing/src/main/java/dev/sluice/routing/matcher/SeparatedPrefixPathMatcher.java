package dev.sluice.routing.matcher;

/**
 * Envoy's {@code path_separated_prefix}: the path equals the value or continues with {@code /}
 * right after it, so {@code /api} matches {@code /api} and {@code /api/x} but not {@code /apix}.
 * The query and fragment are already cut off, which covers the {@code ?} and {@code #} cases.
 */
public final class SeparatedPrefixPathMatcher implements PathMatcher {
  private final String prefix;
  private final boolean ignoreCase;

  public SeparatedPrefixPathMatcher(String prefix, boolean ignoreCase) {
    this.prefix = prefix;
    this.ignoreCase = ignoreCase;
  }

  @Override
  public boolean matches(String target, int pathEnd) {
    int length = prefix.length();
    if (pathEnd < length || pathEnd > length && target.charAt(length) != '/') {
      return false;
    }
    return target.startsWith(prefix)
        || ignoreCase && Ascii.regionEqualsIgnoreCase(target, 0, prefix, 0, length);
  }

  @Override
  public int rewrittenLength(int pathEnd) {
    return prefix.length();
  }
}
