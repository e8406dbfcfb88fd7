package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/** A listening socket and the filter chains that serve its connections. */
public record ListenerConfig(String name, SocketAddressConfig address, List<FilterChainConfig> filterChains) {
  public ListenerConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    filterChains = List.copyOf(filterChains);
    if (filterChains.isEmpty()) {
      throw new IllegalArgumentException("listener " + name + " has no filter chain");
    }
  }
}
