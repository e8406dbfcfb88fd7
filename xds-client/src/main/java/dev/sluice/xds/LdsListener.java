package dev.sluice.xds;

import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.xds.resource.RdsReference;
import dev.sluice.xds.resource.SecretReference;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A listener from LDS: the decoded configuration, in which each connection manager that uses RDS
 * holds a placeholder, the references that say which route configurations fill them, and the
 * secrets its TLS contexts fetch over ADS.
 */
record LdsListener(ListenerConfig config, List<RdsReference> rds, List<SecretReference> adsSecrets) {
  LdsListener {
    Objects.requireNonNull(config, "config");
    rds = List.copyOf(rds);
    adsSecrets = List.copyOf(adsSecrets);
  }

  Set<String> routeConfigNames() {
    Set<String> names = new LinkedHashSet<>();
    for (RdsReference r : rds) {
      names.add(r.routeConfigName());
    }
    return names;
  }

  /**
   * The listener with its route configurations in place, or empty while one of them is unknown or
   * one of its secrets has not settled (arrived, or timed out) — a listener warms until then
   * (xds_protocol, "Resource warming"). Secrets stay out of the listener: the snapshot carries them.
   */
  Optional<ListenerConfig> resolve(Function<String, Optional<RouteConfig>> routes, Predicate<String> secretSettled) {
    for (SecretReference s : adsSecrets) {
      if (!secretSettled.test(s.name())) {
        return Optional.empty();
      }
    }
    if (rds.isEmpty()) {
      return Optional.of(config);
    }
    // Chain indexes count the default chain as the one after the last.
    List<FilterChainConfig> chains = new ArrayList<>(config.allFilterChains());
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
    int count = config.filterChains().size();
    ListenerConfig resolved = config.withFilterChains(chains.subList(0, count));
    return Optional.of(config.defaultFilterChain() == null ? resolved
        : resolved.withDefaultFilterChain(chains.get(count)));
  }
}
