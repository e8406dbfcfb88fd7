package dev.sluice.routing.matcher;

/** Envoy's {@code prefix}: the path starts with the value. */
public final class PrefixPathMatcher implements PathMatcher {
  private final String prefix;
  private final boolean ignoreCase;

  public PrefixPathMatcher(String prefix, boolean ignoreCase) {
    this.prefix = prefix;
    this.ignoreCase = ignoreCase;
  }

  @Override
  public boolean matches(String target, int pathEnd) {
    if (prefix.length() > pathEnd) {
      return false;
    }
    return target.startsWith(prefix)
        || ignoreCase && Ascii.regionEqualsIgnoreCase(target, 0, prefix, 0, prefix.length());
  }

  @Override
  public int rewrittenLength(int pathEnd) {
    return prefix.length();
  }
}
