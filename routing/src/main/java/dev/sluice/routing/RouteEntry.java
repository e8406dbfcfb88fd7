package dev.sluice.routing;

import dev.sluice.config.HeaderMatchConfig;
import dev.sluice.config.HeaderMutations;
import dev.sluice.config.QueryParamMatchConfig;
import dev.sluice.config.RouteActionConfig;
import dev.sluice.config.RouteRuleConfig;
import dev.sluice.config.VirtualHostConfig;
import dev.sluice.routing.action.PathRewriter;
import dev.sluice.routing.action.PrefixPathRewriter;
import dev.sluice.routing.action.RedirectLocation;
import dev.sluice.routing.action.RegexPathRewriter;
import dev.sluice.routing.matcher.HeaderMatcher;
import dev.sluice.routing.matcher.PathMatcher;
import dev.sluice.routing.matcher.QueryParamMatcher;
import dev.sluice.routing.matcher.QueryParameters;
import java.util.List;

/**
 * One compiled route: its match rules and what it does. Immutable and shared across threads.
 * Accessors of another kind's action answer a neutral value (0, null, false, the input) except
 * {@link #pickCluster} and {@link #redirectLocation}, which throw {@link IllegalStateException}.
 */
public final class RouteEntry {

  public enum Kind { FORWARD, REDIRECT, DIRECT_RESPONSE }

  // Where a header matcher reads its value: pseudo-headers come from the request's own fields.
  private static final byte FROM_HEADER = 0;
  private static final byte FROM_METHOD = 1;
  private static final byte FROM_AUTHORITY = 2;
  private static final byte FROM_PATH = 3;
  private static final byte FROM_SCHEME = 4;

  private final String name;
  private final String virtualHostName;
  private final Kind kind;

  private final PathMatcher pathMatcher;
  private final HeaderMatcher[] headerMatchers;
  private final byte[] headerSources;
  private final QueryParamMatcher[] queryParamMatchers;

  private final ClusterChoice[] clusters;
  /** Running totals of the cluster weights; {@code clusters[i]} owns [cumulative[i-1], cumulative[i]). */
  private final long[] cumulativeWeights;
  private final long totalWeight;
  private final PathRewriter pathRewriter;
  private final String hostRewriteLiteral;
  private final boolean autoHostRewrite;
  private final long timeoutMillis;

  private final int redirectCode;
  private final RedirectLocation redirectLocation;

  private final int directStatus;
  private final String directBody;

  private final HeaderMutator requestMutator;
  private final HeaderMutator responseMutator;

  RouteEntry(RouteRuleConfig rule, VirtualHostConfig virtualHost, HeaderMutations routeConfigHeaders) {
    this.name = rule.name();
    this.virtualHostName = virtualHost.name();
    this.pathMatcher = PathMatcher.of(rule.match().path(), rule.match().caseSensitive());

    List<HeaderMatchConfig> headers = rule.match().headers();
    this.headerMatchers = new HeaderMatcher[headers.size()];
    this.headerSources = new byte[headers.size()];
    for (int i = 0; i < headers.size(); i++) {
      headerMatchers[i] = new HeaderMatcher(headers.get(i));
      headerSources[i] = sourceOf(headerMatchers[i].name());
    }
    List<QueryParamMatchConfig> queryParameters = rule.match().queryParameters();
    this.queryParamMatchers = new QueryParamMatcher[queryParameters.size()];
    for (int i = 0; i < queryParameters.size(); i++) {
      queryParamMatchers[i] = new QueryParamMatcher(queryParameters.get(i));
    }

    List<HeaderMutations> routeLevels = List.of(rule.headers(), virtualHost.headers(), routeConfigHeaders);
    this.requestMutator = HeaderMutator.forRequests(routeLevels);
    this.responseMutator = HeaderMutator.forResponses(routeLevels);

    RouteActionConfig action = rule.action();
    if (action instanceof RouteActionConfig.Forward forward) {
      this.kind = Kind.FORWARD;
      List<RouteActionConfig.WeightedCluster> weighted = forward.clusters();
      this.clusters = new ClusterChoice[weighted.size()];
      this.cumulativeWeights = new long[weighted.size()];
      long total = 0;
      for (int i = 0; i < weighted.size(); i++) {
        RouteActionConfig.WeightedCluster cluster = weighted.get(i);
        List<HeaderMutations> levels =
            List.of(cluster.headers(), rule.headers(), virtualHost.headers(), routeConfigHeaders);
        clusters[i] = new ClusterChoice(cluster.name(), cluster.weight(),
            HeaderMutator.forRequests(levels), HeaderMutator.forResponses(levels));
        total += cluster.weight();
        cumulativeWeights[i] = total;
      }
      this.totalWeight = total;
      this.pathRewriter = rewriterOf(forward);
      this.hostRewriteLiteral = emptyToNull(forward.hostRewriteLiteral());
      this.autoHostRewrite = forward.autoHostRewrite();
      this.timeoutMillis = forward.timeout().toMillis();
      this.redirectCode = 0;
      this.redirectLocation = null;
      this.directStatus = 0;
      this.directBody = null;
    } else if (action instanceof RouteActionConfig.Redirect redirect) {
      this.kind = Kind.REDIRECT;
      this.clusters = new ClusterChoice[0];
      this.cumulativeWeights = new long[0];
      this.totalWeight = 0;
      this.pathRewriter = null;
      this.hostRewriteLiteral = null;
      this.autoHostRewrite = false;
      this.timeoutMillis = 0;
      this.redirectCode = redirect.responseCode();
      this.redirectLocation = new RedirectLocation(redirect);
      this.directStatus = 0;
      this.directBody = null;
    } else if (action instanceof RouteActionConfig.DirectResponse direct) {
      this.kind = Kind.DIRECT_RESPONSE;
      this.clusters = new ClusterChoice[0];
      this.cumulativeWeights = new long[0];
      this.totalWeight = 0;
      this.pathRewriter = null;
      this.hostRewriteLiteral = null;
      this.autoHostRewrite = false;
      this.timeoutMillis = 0;
      this.redirectCode = 0;
      this.redirectLocation = null;
      this.directStatus = direct.status();
      this.directBody = direct.body();
    } else {
      throw new IllegalArgumentException("unknown route action " + action);
    }
  }

  private static byte sourceOf(String lowerCaseName) {
    return switch (lowerCaseName) {
      case ":method" -> FROM_METHOD;
      case ":authority" -> FROM_AUTHORITY;
      case ":path" -> FROM_PATH;
      case ":scheme" -> FROM_SCHEME;
      default -> FROM_HEADER;
    };
  }

  /** Envoy counts an empty {@code prefix_rewrite} as unset, and so do we. */
  private static PathRewriter rewriterOf(RouteActionConfig.Forward forward) {
    if (forward.prefixRewrite() != null && !forward.prefixRewrite().isEmpty()) {
      return new PrefixPathRewriter(forward.prefixRewrite());
    }
    if (forward.regexRewrite() != null) {
      return new RegexPathRewriter(forward.regexRewrite().pattern(), forward.regexRewrite().substitution());
    }
    return null;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Path and header rules; {@code pathEnd} is where the path part of {@code target} ends. */
  boolean matchesPathAndHeaders(RequestView request, String target, int pathEnd) {
    if (!pathMatcher.matches(target, pathEnd)) {
      return false;
    }
    for (int i = 0; i < headerMatchers.length; i++) {
      if (!headerMatchers[i].matches(headerValue(request, i))) {
        return false;
      }
    }
    return true;
  }

  private String headerValue(RequestView request, int matcher) {
    return switch (headerSources[matcher]) {
      case FROM_METHOD -> request.method();
      case FROM_AUTHORITY -> request.authority();
      case FROM_PATH -> request.path();
      case FROM_SCHEME -> request.scheme();
      default -> request.header(headerMatchers[matcher].name());
    };
  }

  boolean hasQueryParamMatchers() {
    return queryParamMatchers.length > 0;
  }

  boolean matchesQuery(QueryParameters parameters) {
    for (QueryParamMatcher matcher : queryParamMatchers) {
      if (!matcher.matches(parameters)) {
        return false;
      }
    }
    return true;
  }

  public Kind kind() {
    return kind;
  }

  public String name() {
    return name;
  }

  /** The name of the virtual host this route belongs to. */
  public String virtualHostName() {
    return virtualHostName;
  }

  // FORWARD

  /**
   * Picks a cluster by weight using the given random value (any long). As Envoy does, the value,
   * taken as unsigned, modulo the total weight falls in one cluster's interval; zero-weight
   * clusters own an empty interval and are never picked.
   */
  public ClusterChoice pickCluster(long random) {
    if (kind != Kind.FORWARD) {
      throw new IllegalStateException("route " + name + " is a " + kind + ", it has no cluster");
    }
    if (clusters.length == 1) {
      return clusters[0];
    }
    long value = Long.remainderUnsigned(random, totalWeight);
    // A linear scan: weighted splits have a handful of clusters.
    for (int i = 0; i < cumulativeWeights.length; i++) {
      if (value < cumulativeWeights[i]) {
        return clusters[i];
      }
    }
    throw new AssertionError("weights of route " + name + " do not cover " + value);
  }

  public boolean isWeighted() {
    return clusters.length > 1;
  }

  /**
   * Applies {@code prefix_rewrite} (replacing the part the path rule matched, as Envoy does) or
   * {@code regex_rewrite} to the path part, keeping "?query"; returns the input itself when no
   * rewrite is configured. {@code pathWithQuery} is the target this route matched.
   */
  public String rewritePath(String pathWithQuery) {
    if (pathRewriter == null) {
      return pathWithQuery;
    }
    int pathEnd = PathMatcher.pathEnd(pathWithQuery);
    int matchedLength = pathMatcher.rewrittenLength(pathEnd);
    if (matchedLength > pathEnd) {
      return pathWithQuery;
    }
    return pathRewriter.rewrite(pathWithQuery, pathEnd, matchedLength);
  }

  /** {@code host_rewrite_literal}; null when unset. */
  public String hostRewriteLiteral() {
    return hostRewriteLiteral;
  }

  public boolean autoHostRewrite() {
    return autoHostRewrite;
  }

  /** The upstream timeout; 0 = no timeout. */
  public long timeoutMillis() {
    return timeoutMillis;
  }

  // REDIRECT

  public int redirectCode() {
    return redirectCode;
  }

  /** The Location value for this request, per Envoy's RedirectAction semantics. */
  public String redirectLocation(RequestView request) {
    if (redirectLocation == null) {
      throw new IllegalStateException("route " + name + " is a " + kind + ", not a redirect");
    }
    String target = request.path();
    int pathEnd = PathMatcher.pathEnd(target);
    return redirectLocation.location(
        request.scheme(), request.authority(), target, pathEnd, pathMatcher.rewrittenLength(pathEnd));
  }

  // DIRECT_RESPONSE

  public int directStatus() {
    return directStatus;
  }

  /** The body of a direct response; null when none. */
  public String directBody() {
    return directBody;
  }

  /**
   * Response mutations of the route, virtual host and route configuration levels, for redirects,
   * direct responses, and forwards when no weighted cluster level applies.
   */
  public HeaderMutator responseMutator() {
    return responseMutator;
  }

  /** Request mutations of the route, virtual host and route configuration levels. */
  public HeaderMutator requestMutator() {
    return requestMutator;
  }

  @Override
  public String toString() {
    return "RouteEntry{" + virtualHostName + "/" + name + " " + kind + "}";
  }
}
