package dev.sluice.xds;

import dev.sluice.config.ClusterConfig;
import dev.sluice.xds.resource.EdsSubscription;
import dev.sluice.xds.resource.EndpointAssignment;
import dev.sluice.xds.resource.SecretReference;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A cluster from CDS and, for an EDS cluster, the ClusterLoadAssignment it takes its endpoints
 * from; and the secrets its TLS context fetches over ADS.
 */
record CdsCluster(ClusterConfig config, Optional<EdsSubscription> eds, List<SecretReference> adsSecrets) {
  CdsCluster {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(eds, "eds");
    adsSecrets = List.copyOf(adsSecrets);
  }

  /**
   * The cluster with its endpoints, or empty while its assignment is unknown or one of its secrets
   * has not settled — a cluster warms until then (xds_protocol, "Resource warming").
   */
  Optional<ClusterConfig> resolve(Function<String, Optional<EndpointAssignment>> endpoints,
      Predicate<String> secretSettled) {
    for (SecretReference s : adsSecrets) {
      if (!secretSettled.test(s.name())) {
        return Optional.empty();
      }
    }
    if (eds.isEmpty()) {
      return Optional.of(config);
    }
    return endpoints.apply(eds.get().resourceName())
        .map(a -> config.withEndpoints(a.endpoints()));
  }
}
