package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/** A route configuration: virtual hosts tried by authority, plus config-wide header mutations. */
public record RouteConfig(String name, List<VirtualHostConfig> virtualHosts, HeaderMutations headers) {
  public RouteConfig {
    Objects.requireNonNull(name, "name");
    virtualHosts = List.copyOf(virtualHosts);
    Objects.requireNonNull(headers, "headers");
  }
}
