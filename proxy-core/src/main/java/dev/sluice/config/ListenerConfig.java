package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/**
 * A listening socket and the filter chains that serve its connections. {@code direction} is
 * Envoy's {@code traffic_direction}, read by the admin interface's inbound-only drain.
 */
public record ListenerConfig(
    String name, SocketAddressConfig address, List<FilterChainConfig> filterChains, TrafficDirection direction) {

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
    if (filterChains.isEmpty()) {
      throw new IllegalArgumentException("listener " + name + " has no filter chain");
    }
  }

  public ListenerConfig(String name, SocketAddressConfig address, List<FilterChainConfig> filterChains) {
    this(name, address, filterChains, TrafficDirection.UNSPECIFIED);
  }

  /** This listener with other filter chains. */
  public ListenerConfig withFilterChains(List<FilterChainConfig> chains) {
    return new ListenerConfig(name, address, chains, direction);
  }
}
