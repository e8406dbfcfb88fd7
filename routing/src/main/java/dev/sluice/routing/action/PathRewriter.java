package dev.sluice.routing.action;

/**
 * Rewrites the path part of a request target and keeps what follows it ({@code ?query},
 * {@code #fragment}) untouched, as Envoy's {@code currentUrlPathAfterRewriteWithMatchedPath} does.
 */
public sealed interface PathRewriter permits PrefixPathRewriter, RegexPathRewriter {

  /**
   * @param target the request target, path plus optional query
   * @param pathEnd where the path part ends (first {@code ?} or {@code #}, or the length)
   * @param matchedLength how many leading characters the route's path rule matched
   */
  String rewrite(String target, int pathEnd, int matchedLength);
}
