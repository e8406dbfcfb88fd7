package dev.sluice.xds;

import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.xds.resource.RdsReference;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A listener from LDS: the decoded configuration, in which each connection manager that uses RDS
 * holds a placeholder, and the references that say which route configurations fill them.
 */
record LdsListener(ListenerConfig config, List<RdsReference> rds) {
  LdsListener {
    Objects.requireNonNull(config, "config");
    rds = List.copyOf(rds);
  }

  Set<String> routeConfigNames() {
    Set<String> names = new LinkedHashSet<>();
    for (RdsReference r : rds) {
      names.add(r.routeConfigName());
    }
    return names;
  }

  /**
   * The listener with its route configurations in place, or empty while one of them is unknown —
   * a listener warms until its routes arrive (xds_protocol, "Resource warming").
   */
  Optional<ListenerConfig> resolve(Function<String, Optional<RouteConfig>> routes) {
    if (rds.isEmpty()) {
      return Optional.of(config);
    }
    List<FilterChainConfig> chains = new ArrayList<>(config.filterChains());
    for (RdsReference ref : rds) {
      Optional<RouteConfig> route = routes.apply(ref.routeConfigName());
      if (route.isEmpty()) {
        return Optional.empty();
      }
      FilterChainConfig chain = chains.get(ref.filterChain());
      if (chain.terminalFilter() instanceof HttpConnectionManagerConfig hcm) {
        chains.set(ref.filterChain(), chain.withTerminalFilter(hcm.withRouteConfig(route.get())));
      }
    }
    return Optional.of(config.withFilterChains(chains));
  }
}
