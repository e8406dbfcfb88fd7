package dev.sluice.xds;

import dev.sluice.config.ClusterConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.NetworkFilterConfig;
import dev.sluice.config.RouteConfig;
import java.util.List;

/**
 * Copies of model records with one component replaced. They belong on the records themselves
 * ({@code withRouteConfig}, {@code withEndpoints}, ...); until proxy-core has them, they live here,
 * where a new record component shows up as a compile error.
 */
final class ModelCopies {
  private ModelCopies() {}

  static HttpConnectionManagerConfig withRouteConfig(HttpConnectionManagerConfig h, RouteConfig routes) {
    return new HttpConnectionManagerConfig(h.statPrefix(), h.codecType(), routes, h.maxRequestHeadersKb(),
        h.maxHeadersCount(), h.idleTimeout(), h.streamIdleTimeout(), h.requestTimeout(), h.generateRequestId());
  }

  static FilterChainConfig withTerminalFilter(FilterChainConfig chain, NetworkFilterConfig filter) {
    return new FilterChainConfig(chain.name(), filter);
  }

  static ListenerConfig withFilterChains(ListenerConfig l, List<FilterChainConfig> chains) {
    return new ListenerConfig(l.name(), l.address(), chains, l.direction());
  }

  static ClusterConfig withEndpoints(ClusterConfig c, List<EndpointConfig> endpoints) {
    return new ClusterConfig(c.name(), c.type(), c.connectTimeout(), c.lbPolicy(), endpoints, c.dnsRefreshRate(),
        c.idleTimeout(), c.maxRequestsPerConnection(), c.dnsLookupFamily());
  }
}
