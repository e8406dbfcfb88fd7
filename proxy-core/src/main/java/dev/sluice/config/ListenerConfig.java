package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/**
 * A listening socket and the filter chains that serve its connections. {@code direction} is
 * Envoy's {@code traffic_direction}, read by the admin interface's inbound-only drain.
 *
 * @param tlsInspector whether the listener filter {@code envoy.filters.listener.tls_inspector} is
 *     configured: it reads SNI and ALPN from the ClientHello (without terminating TLS) so that
 *     filter chains can match on them
 * @param defaultFilterChain Envoy's {@code default_filter_chain}: serves connections no chain
 *     matches, or {@code null} to close them
 */
public record ListenerConfig(
    String name,
    SocketAddressConfig address,
    List<FilterChainConfig> filterChains,
    TrafficDirection direction,
    boolean tlsInspector,
    FilterChainConfig defaultFilterChain) {

  /** Envoy's {@code core.v3.TrafficDirection}. */
  public enum TrafficDirection {
    UNSPECIFIED,
    INBOUND,
    OUTBOUND
  }

  public ListenerConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(direction, "direction");
    filterChains = List.copyOf(filterChains);
    if (filterChains.isEmpty() && defaultFilterChain == null) {
      throw new IllegalArgumentException("listener " + name + " has no filter chain");
    }
  }

  /** A listener without listener filters or default chain. */
  public ListenerConfig(String name, SocketAddressConfig address, List<FilterChainConfig> filterChains,
      TrafficDirection direction) {
    this(name, address, filterChains, direction, false, null);
  }

  public ListenerConfig(String name, SocketAddressConfig address, List<FilterChainConfig> filterChains) {
    this(name, address, filterChains, TrafficDirection.UNSPECIFIED);
  }

  /** This listener with other filter chains. */
  public ListenerConfig withFilterChains(List<FilterChainConfig> chains) {
    return new ListenerConfig(name, address, chains, direction, tlsInspector, defaultFilterChain);
  }

  /** This listener with another default filter chain. */
  public ListenerConfig withDefaultFilterChain(FilterChainConfig chain) {
    return new ListenerConfig(name, address, filterChains, direction, tlsInspector, chain);
  }

  /** The filter chains and then the default chain, if any. */
  public List<FilterChainConfig> allFilterChains() {
    if (defaultFilterChain == null) {
      return filterChains;
    }
    List<FilterChainConfig> all = new java.util.ArrayList<>(filterChains);
    all.add(defaultFilterChain);
    return List.copyOf(all);
  }
}
