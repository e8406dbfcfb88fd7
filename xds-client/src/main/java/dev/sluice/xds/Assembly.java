package dev.sluice.xds;

import dev.sluice.config.ClusterConfig;
import dev.sluice.config.ListenerConfig;
import java.util.List;
import java.util.Set;

/**
 * One resolved view of everything held: the listeners and clusters to serve, what is still
 * warming, and the RDS, EDS and SDS names the served and warming resources reference.
 */
record Assembly(List<ListenerConfig> listeners, List<ClusterConfig> clusters, Set<String> warmingListeners,
    Set<String> warmingClusters, Set<String> routeConfigNames, Set<String> endpointNames, Set<String> secretNames) {
  Assembly {
    listeners = List.copyOf(listeners);
    clusters = List.copyOf(clusters);
    warmingListeners = Set.copyOf(warmingListeners);
    warmingClusters = Set.copyOf(warmingClusters);
    routeConfigNames = Set.copyOf(routeConfigNames);
    endpointNames = Set.copyOf(endpointNames);
    secretNames = Set.copyOf(secretNames);
  }

  boolean warming() {
    return !warmingListeners.isEmpty() || !warmingClusters.isEmpty();
  }
}
