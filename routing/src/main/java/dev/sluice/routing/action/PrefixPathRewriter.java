package dev.sluice.routing.action;

/**
 * Envoy's {@code prefix_rewrite}: the characters the route's path rule matched are replaced by the
 * configured value, whatever their case was (so a case-insensitive {@code /API} rule rewrites
 * {@code /api/x} and {@code /Api/x} alike), and the rest of the target is kept.
 */
public final class PrefixPathRewriter implements PathRewriter {
  private final String replacement;

  public PrefixPathRewriter(String replacement) {
    this.replacement = replacement;
  }

  @Override
  public String rewrite(String target, int pathEnd, int matchedLength) {
    int cut = Math.min(matchedLength, target.length());
    return replacement.concat(target.substring(cut));
  }
}
