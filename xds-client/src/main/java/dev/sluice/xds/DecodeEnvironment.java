package dev.sluice.xds;

import dev.sluice.config.ListenerConfig;
import java.util.List;
import java.util.Set;

/**
 * What resources are checked against beyond themselves: the static listeners and clusters (which
 * xDS cannot replace) and every cluster currently known, for routes that must name existing ones.
 */
record DecodeEnvironment(List<ListenerConfig> staticListeners, Set<String> staticClusters, Set<String> knownClusters) {
  DecodeEnvironment {
    staticListeners = List.copyOf(staticListeners);
    staticClusters = Set.copyOf(staticClusters);
    knownClusters = Set.copyOf(knownClusters);
  }
}
