package dev.sluice.xds;

import dev.sluice.config.ClusterConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.xds.resource.EndpointAssignment;
import dev.sluice.xds.resource.RdsReference;
import dev.sluice.xds.resource.SecretReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Resolves LDS → RDS and CDS → EDS into the listeners and clusters of one consistent snapshot, and
 * collects the secrets they (and the static resources) fetch over ADS.
 *
 * <p>Warming follows Envoy (xds_protocol, "Resource warming"): a listener is served only once the
 * route configurations it names are known, a cluster only once its endpoints are, and either only
 * once the secrets its TLS contexts fetch over ADS have arrived or timed out. While a changed
 * listener or cluster warms, the version already in service keeps serving, so an update never
 * leaves a gap; a new one simply appears when it is ready. Removal is immediate.
 */
final class SnapshotAssembler {
  private final List<ListenerConfig> staticListeners;
  private final List<ClusterConfig> staticClusters;
  private final Set<String> staticAdsSecrets;
  // The version of each dynamic listener and cluster in service.
  private final Map<String, HeldResource<LdsListener>> servingListeners = new TreeMap<>();
  private final Map<String, HeldResource<CdsCluster>> servingClusters = new TreeMap<>();

  /**
   * {@code staticSecretNames} tells the static resources' references to bootstrap secrets from
   * those over ADS, which the decoders keep apart by name.
   */
  SnapshotAssembler(List<ListenerConfig> staticListeners, List<ClusterConfig> staticClusters,
      Set<String> staticSecretNames) {
    this.staticListeners = List.copyOf(staticListeners);
    this.staticClusters = List.copyOf(staticClusters);
    Set<String> ads = new TreeSet<>(SecretNames.of(staticListeners, staticClusters));
    ads.removeAll(staticSecretNames);
    this.staticAdsSecrets = Set.copyOf(ads);
  }

  /**
   * {@code secretSettled} says whether an ADS secret has arrived or is known to be absent; static
   * listeners and clusters never wait for one.
   */
  Assembly assemble(Map<String, HeldResource<LdsListener>> listeners, Function<String, Optional<RouteConfig>> routes,
      Map<String, HeldResource<CdsCluster>> clusters, Function<String, Optional<EndpointAssignment>> endpoints,
      Predicate<String> secretSettled) {
    List<ListenerConfig> outListeners = new ArrayList<>(staticListeners);
    Set<String> warmingListeners = new TreeSet<>();
    servingListeners.keySet().retainAll(listeners.keySet());
    for (HeldResource<LdsListener> latest : listeners.values()) {
      Optional<ListenerConfig> resolved = latest.value().resolve(routes, secretSettled);
      if (resolved.isPresent()) {
        servingListeners.put(latest.name(), latest);
        outListeners.add(resolved.get());
        continue;
      }
      warmingListeners.add(latest.name());
      HeldResource<LdsListener> serving = servingListeners.get(latest.name());
      Optional<ListenerConfig> previous =
          serving == null ? Optional.empty() : serving.value().resolve(routes, secretSettled);
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
      Optional<ClusterConfig> resolved = latest.value().resolve(endpoints, secretSettled);
      if (resolved.isPresent()) {
        servingClusters.put(latest.name(), latest);
        outClusters.add(resolved.get());
        continue;
      }
      warmingClusters.add(latest.name());
      HeldResource<CdsCluster> serving = servingClusters.get(latest.name());
      Optional<ClusterConfig> previous =
          serving == null ? Optional.empty() : serving.value().resolve(endpoints, secretSettled);
      if (previous.isPresent()) {
        outClusters.add(previous.get());
      } else {
        servingClusters.remove(latest.name());
      }
    }
    return new Assembly(outListeners, outClusters, warmingListeners, warmingClusters,
        routeConfigNames(listeners), endpointNames(clusters), secretNames(listeners, clusters));
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

  private Set<String> secretNames(Map<String, HeldResource<LdsListener>> listeners,
      Map<String, HeldResource<CdsCluster>> clusters) {
    Set<String> names = new TreeSet<>(staticAdsSecrets);
    for (SecretReference r : secretReferences(listeners, clusters)) {
      names.add(r.name());
    }
    return names;
  }

  /** The ADS secret references of the latest and the serving listeners and clusters. */
  List<SecretReference> secretReferences(Map<String, HeldResource<LdsListener>> listeners,
      Map<String, HeldResource<CdsCluster>> clusters) {
    List<SecretReference> out = new ArrayList<>();
    listeners.values().forEach(h -> out.addAll(h.value().adsSecrets()));
    servingListeners.values().forEach(h -> out.addAll(h.value().adsSecrets()));
    clusters.values().forEach(h -> out.addAll(h.value().adsSecrets()));
    servingClusters.values().forEach(h -> out.addAll(h.value().adsSecrets()));
    return out;
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
