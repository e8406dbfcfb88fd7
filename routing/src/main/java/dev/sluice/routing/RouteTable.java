package dev.sluice.routing;

import dev.sluice.config.RouteConfig;
import dev.sluice.config.RouteRuleConfig;
import dev.sluice.config.VirtualHostConfig;
import dev.sluice.routing.matcher.PathMatcher;
import dev.sluice.routing.matcher.QueryParameters;
import java.util.ArrayList;
import java.util.List;

/**
 * A route configuration compiled for lookups: virtual host selection by authority (exact domains,
 * then suffix wildcards, then prefix wildcards, longest first, then {@code *}; the port is part of
 * the matched authority) and, within the virtual host, the first route whose rules all match
 * (Envoy's route matching: routes are tried in order and the first match wins). Immutable and
 * shared by every event loop; the data plane reads the current table once per request.
 */
public final class RouteTable {
  private static final RouteTable EMPTY = new RouteTable("", VirtualHostSelector.EMPTY);

  private final String name;
  private final VirtualHostSelector virtualHosts;

  private RouteTable(String name, VirtualHostSelector virtualHosts) {
    this.name = name;
    this.virtualHosts = virtualHosts;
  }

  /** Compiles {@code config}; cannot fail on a validated config. */
  public static RouteTable compile(RouteConfig config) {
    List<VirtualHost> virtualHosts = new ArrayList<>(config.virtualHosts().size());
    List<List<String>> domains = new ArrayList<>(config.virtualHosts().size());
    for (VirtualHostConfig virtualHost : config.virtualHosts()) {
      List<RouteRuleConfig> rules = virtualHost.routes();
      RouteEntry[] routes = new RouteEntry[rules.size()];
      for (int i = 0; i < routes.length; i++) {
        routes[i] = new RouteEntry(rules.get(i), virtualHost, config.headers());
      }
      virtualHosts.add(new VirtualHost(virtualHost.name(), routes));
      domains.add(virtualHost.domains());
    }
    return new RouteTable(config.name(), VirtualHostSelector.build(virtualHosts, domains));
  }

  /** The null object: every lookup misses. */
  public static RouteTable empty() {
    return EMPTY;
  }

  /**
   * The first matching route of the selected virtual host, or null (the caller answers 404). Pure;
   * allocates nothing on a hit for plain prefix/exact/header matches. Query parameters are parsed
   * at most once per lookup, and only when a candidate route tests them.
   */
  public RouteEntry route(RequestView request) {
    VirtualHost virtualHost = virtualHosts.select(request.authority());
    if (virtualHost == null) {
      return null;
    }
    String target = request.path();
    if (target == null) {
      return null;
    }
    int pathEnd = PathMatcher.pathEnd(target);
    QueryParameters query = null;
    for (RouteEntry route : virtualHost.routes()) {
      if (!route.matchesPathAndHeaders(request, target, pathEnd)) {
        continue;
      }
      if (route.hasQueryParamMatchers()) {
        if (query == null) {
          query = QueryParameters.parse(target);
        }
        if (!route.matchesQuery(query)) {
          continue;
        }
      }
      return route;
    }
    return null;
  }

  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return "RouteTable{" + name + "}";
  }
}
