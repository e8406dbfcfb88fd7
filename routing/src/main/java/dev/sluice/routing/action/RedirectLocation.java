package dev.sluice.routing.action;

import dev.sluice.config.RouteActionConfig;

/**
 * Builds the {@code Location} of a redirect route the way Envoy's {@code Http::Utility::newUri}
 * does, after the route's {@code prefix_rewrite} has been applied to the request path:
 *
 * <ul>
 *   <li>scheme: {@code scheme_redirect}, else the request's scheme;
 *   <li>host: {@code host_redirect} as given (the request's port goes with the request's host),
 *       else the request's authority, whose port is dropped when {@code port_redirect} is set, or
 *       when the scheme changes and the port is the default one of the request's scheme
 *       ({@code :80} for http, {@code :443} for https); any other port is kept;
 *   <li>port: {@code :port_redirect} when set;
 *   <li>path: {@code path_redirect}, which keeps the request's query unless it has a {@code ?} of
 *       its own (then its query wins and {@code strip_query} does not touch it); else the (prefix
 *       rewritten) request path; a leading {@code /} is added when missing; {@code strip_query}
 *       removes the query.
 * </ul>
 *
 * Empty strings count as unset, as they do in Envoy's proto3 fields.
 */
public final class RedirectLocation {
  private final String scheme;
  private final String host;
  private final String port;
  private final String pathRedirect;
  private final boolean pathRedirectHasQuery;
  private final PrefixPathRewriter prefixRewrite;
  private final boolean stripQuery;

  public RedirectLocation(RouteActionConfig.Redirect redirect) {
    this.scheme = emptyToNull(redirect.scheme());
    this.host = emptyToNull(redirect.host());
    this.port = redirect.port() == 0 ? "" : ":" + redirect.port();
    this.pathRedirect = emptyToNull(redirect.pathRedirect());
    this.pathRedirectHasQuery = pathRedirect != null && pathRedirect.indexOf('?') >= 0;
    String prefix = emptyToNull(redirect.prefixRewrite());
    this.prefixRewrite = prefix == null ? null : new PrefixPathRewriter(prefix);
    this.stripQuery = redirect.stripQuery();
  }

  /**
   * @param requestScheme "http" or "https"
   * @param authority the request's authority, possibly with a port; null is treated as empty
   * @param target the request target, path plus optional query
   * @param pathEnd where the path part of {@code target} ends (first {@code ?} or {@code #})
   * @param matchedLength how many leading characters of the path the route's rule matched
   */
  public String location(
      String requestScheme, String authority, String target, int pathEnd, int matchedLength) {
    String finalScheme = scheme != null ? scheme : requestScheme;
    String finalHost = host != null ? host : requestHost(authority, requestScheme, finalScheme);

    String path = target;
    if (prefixRewrite != null && matchedLength <= pathEnd) {
      path = prefixRewrite.rewrite(target, pathEnd, matchedLength);
    }
    if (pathRedirect != null) {
      if (pathRedirectHasQuery) {
        path = pathRedirect;
      } else {
        int query = path.indexOf('?');
        path = query < 0 ? pathRedirect : pathRedirect.concat(path.substring(query));
      }
    }
    if (!path.startsWith("/")) {
      path = "/".concat(path);
    }
    if (stripQuery && !pathRedirectHasQuery) {
      int query = path.indexOf('?');
      if (query >= 0) {
        path = path.substring(0, query);
      }
    }
    return finalScheme + "://" + finalHost + port + path;
  }

  private String requestHost(String authority, String requestScheme, String finalScheme) {
    if (authority == null || authority.isEmpty()) {
      return "";
    }
    int portStart;
    if (authority.charAt(0) == '[') {
      // IPv6 literal: only a colon after the closing bracket starts a port.
      int bracketColon = authority.lastIndexOf("]:");
      portStart = bracketColon < 0 ? -1 : bracketColon + 1;
    } else {
      portStart = authority.lastIndexOf(':');
    }
    if (portStart < 0) {
      return authority;
    }
    boolean removePort = !port.isEmpty();
    if (!finalScheme.equals(requestScheme)) {
      String requestPort = authority.substring(portStart);
      removePort |= "https".equalsIgnoreCase(requestScheme) && requestPort.equals(":443");
      removePort |= "http".equalsIgnoreCase(requestScheme) && requestPort.equals(":80");
    }
    return removePort ? authority.substring(0, portStart) : authority;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
