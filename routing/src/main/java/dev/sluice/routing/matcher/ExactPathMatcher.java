package dev.sluice.routing.matcher;

/** Envoy's {@code path}: the path, without query, equals the value. */
public final class ExactPathMatcher implements PathMatcher {
  private final String path;
  private final boolean ignoreCase;

  public ExactPathMatcher(String path, boolean ignoreCase) {
    this.path = path;
    this.ignoreCase = ignoreCase;
  }

  @Override
  public boolean matches(String target, int pathEnd) {
    return pathEnd == path.length()
        && (target.startsWith(path)
            || ignoreCase && Ascii.regionEqualsIgnoreCase(target, 0, path, 0, pathEnd));
  }

  @Override
  public int rewrittenLength(int pathEnd) {
    return path.length();
  }
}
