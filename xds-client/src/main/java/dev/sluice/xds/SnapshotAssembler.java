package dev.sluice.xds;

import dev.sluice.config.ClusterConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.xds.resource.EndpointAssignment;
import dev.sluice.xds.resource.RdsReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Resolves LDS → RDS and CDS → EDS into the listeners and clusters of one consistent snapshot.
 *
 * <p>Warming follows Envoy (xds_protocol, "Resource warming"): a listener is served only once the
 * route configurations it names are known, a cluster only once its endpoints are. While a changed
 * listener or cluster warms, the version already in service keeps serving, so an update never
 * leaves a gap; a new one simply appears when it is ready. Removal is immediate.
 */
final class SnapshotAssembler {
  private final List<ListenerConfig> staticListeners;
  private final List<ClusterConfig> staticClusters;
  // The version of each dynamic listener and cluster in service.
  private final Map<String, HeldResource<LdsListener>> servingListeners = new TreeMap<>();
  private final Map<String, HeldResource<CdsCluster>> servingClusters = new TreeMap<>();

  SnapshotAssembler(List<ListenerConfig> staticListeners, List<ClusterConfig> staticClusters) {
    this.staticListeners = List.copyOf(staticListeners);
    this.staticClusters = List.copyOf(staticClusters);
  }

  Assembly assemble(Map<String, HeldResource<LdsListener>> listeners, Function<String, Optional<RouteConfig>> routes,
      Map<String, HeldResource<CdsCluster>> clusters, Function<String, Optional<EndpointAssignment>> endpoints) {
    List<ListenerConfig> outListeners = new ArrayList<>(staticListeners);
    Set<String> warmingListeners = new TreeSet<>();
    servingListeners.keySet().retainAll(listeners.keySet());
    for (HeldResource<LdsListener> latest : listeners.values()) {
      Optional<ListenerConfig> resolved = latest.value().resolve(routes);
      if (resolved.isPresent()) {
        servingListeners.put(latest.name(), latest);
        outListeners.add(resolved.get());
        continue;
      }
      warmingListeners.add(latest.name());
      HeldResource<LdsListener> serving = servingListeners.get(latest.name());
      Optional<ListenerConfig> previous = serving == null ? Optional.empty() : serving.value().resolve(routes);
      if (previous.isPresent()) {
        outListeners.add(previous.get());
      } else {
        servingListeners.remove(latest.name());
      }
    }
    List<ClusterConfig> outClusters = new ArrayList<>(staticClusters);
    Set<String> warmingClusters = new TreeSet<>();
    servingClusters.keySet().retainAll(clusters.keySet());
    for (HeldResource<CdsCluster> latest : clusters.values()) {
      Optional<ClusterConfig> resolved = latest.value().resolve(endpoints);
      if (resolved.isPresent()) {
        servingClusters.put(latest.name(), latest);
        outClusters.add(resolved.get());
        continue;
      }
      warmingClusters.add(latest.name());
      HeldResource<CdsCluster> serving = servingClusters.get(latest.name());
      Optional<ClusterConfig> previous = serving == null ? Optional.empty() : serving.value().resolve(endpoints);
      if (previous.isPresent()) {
        outClusters.add(previous.get());
      } else {
        servingClusters.remove(latest.name());
      }
    }
    return new Assembly(outListeners, outClusters, warmingListeners, warmingClusters,
        routeConfigNames(listeners), endpointNames(clusters));
  }

  /** The listener in service under {@code name}, which differs from the latest while that warms. */
  Optional<HeldResource<LdsListener>> servingListener(String name) {
    return Optional.ofNullable(servingListeners.get(name));
  }

  Optional<HeldResource<CdsCluster>> servingCluster(String name) {
    return Optional.ofNullable(servingClusters.get(name));
  }

  // Both the latest and the serving versions need their route configurations kept up to date.
  private Set<String> routeConfigNames(Map<String, HeldResource<LdsListener>> latest) {
    Set<String> names = new TreeSet<>();
    latest.values().forEach(h -> names.addAll(h.value().routeConfigNames()));
    servingListeners.values().forEach(h -> names.addAll(h.value().routeConfigNames()));
    return names;
  }

  private Set<String> endpointNames(Map<String, HeldResource<CdsCluster>> latest) {
    Set<String> names = new TreeSet<>();
    latest.values().forEach(h -> h.value().eds().ifPresent(e -> names.add(e.resourceName())));
    servingClusters.values().forEach(h -> h.value().eds().ifPresent(e -> names.add(e.resourceName())));
    return names;
  }

  /** The reference that gives {@code routeConfigName} its stat prefix and fetch timeout, if any. */
  Optional<RdsReference> rdsReference(Map<String, HeldResource<LdsListener>> latest, String routeConfigName) {
    for (HeldResource<LdsListener> h : latest.values()) {
      for (RdsReference r : h.value().rds()) {
        if (r.routeConfigName().equals(routeConfigName)) {
          return Optional.of(r);
        }
      }
    }
    for (HeldResource<LdsListener> h : servingListeners.values()) {
      for (RdsReference r : h.value().rds()) {
        if (r.routeConfigName().equals(routeConfigName)) {
          return Optional.of(r);
        }
      }
    }
    return Optional.empty();
  }
}
