package dev.sluice.xds;

import dev.sluice.config.ClusterConfig;
import dev.sluice.xds.resource.EdsSubscription;
import dev.sluice.xds.resource.EndpointAssignment;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** A cluster from CDS and, for an EDS cluster, the ClusterLoadAssignment it takes its endpoints from. */
record CdsCluster(ClusterConfig config, Optional<EdsSubscription> eds) {
  CdsCluster {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(eds, "eds");
  }

  /**
   * The cluster with its endpoints, or empty while its assignment is unknown — a cluster warms
   * until its endpoints arrive (xds_protocol, "Resource warming").
   */
  Optional<ClusterConfig> resolve(Function<String, Optional<EndpointAssignment>> endpoints) {
    if (eds.isEmpty()) {
      return Optional.of(config);
    }
    return endpoints.apply(eds.get().resourceName())
        .map(a -> config.withEndpoints(a.endpoints()));
  }
}
