package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/**
 * A virtual host: the authorities it serves ({@code domains}, with Envoy's {@code *.suffix},
 * {@code prefix*} and {@code *} wildcards) and its routes, tried in order.
 */
public record VirtualHostConfig(
    String name, List<String> domains, List<RouteRuleConfig> routes, HeaderMutations headers) {
  public VirtualHostConfig {
    Objects.requireNonNull(name, "name");
    domains = List.copyOf(domains);
    routes = List.copyOf(routes);
    Objects.requireNonNull(headers, "headers");
    if (domains.isEmpty()) {
      throw new IllegalArgumentException("virtual host " + name + " has no domains");
    }
  }
}
