package dev.sluice.xds;

import dev.sluice.config.ListenerConfig;
import dev.sluice.config.SecretConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What resources are checked against beyond themselves: the static listeners and clusters (which
 * xDS cannot replace), every cluster currently known, for routes and TCP proxies that must name
 * existing ones, and the static secrets, for TLS contexts that name them.
 */
record DecodeEnvironment(List<ListenerConfig> staticListeners, Set<String> staticClusters, Set<String> knownClusters,
    Map<String, SecretConfig> staticSecrets) {
  DecodeEnvironment {
    staticListeners = List.copyOf(staticListeners);
    staticClusters = Set.copyOf(staticClusters);
    knownClusters = Set.copyOf(knownClusters);
    staticSecrets = Map.copyOf(staticSecrets);
  }
}
