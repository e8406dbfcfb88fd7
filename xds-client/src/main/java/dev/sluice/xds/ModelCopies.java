package dev.sluice.xds;

import dev.sluice.config.ClusterConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.NetworkFilterConfig;
import dev.sluice.config.RouteConfig;
import java.util.List;

/** Copies of model records with one component replaced, kept as one call site per copy. */
final class ModelCopies {
  private ModelCopies() {}

  static HttpConnectionManagerConfig withRouteConfig(HttpConnectionManagerConfig h, RouteConfig routes) {
    return h.withRouteConfig(routes);
  }

  static FilterChainConfig withTerminalFilter(FilterChainConfig chain, NetworkFilterConfig filter) {
    return chain.withTerminalFilter(filter);
  }

  static ListenerConfig withFilterChains(ListenerConfig l, List<FilterChainConfig> chains) {
    return l.withFilterChains(chains);
  }

  static ClusterConfig withEndpoints(ClusterConfig c, List<EndpointConfig> endpoints) {
    return c.withEndpoints(endpoints);
  }
}
