package dev.sluice.config;

import java.util.Objects;

/** One upstream endpoint with its load-balancing weight (Envoy: 1 when unset, at least 1). */
public record EndpointConfig(SocketAddressConfig address, int weight) {
  public EndpointConfig {
    Objects.requireNonNull(address, "address");
    if (weight < 1) {
      throw new IllegalArgumentException("load_balancing_weight must be at least 1: " + weight);
    }
  }

  public static EndpointConfig of(String host, int port) {
    return new EndpointConfig(new SocketAddressConfig(host, port), 1);
  }
}
