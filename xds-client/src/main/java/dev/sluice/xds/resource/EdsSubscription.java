package dev.sluice.xds.resource;

import java.time.Duration;
import java.util.Objects;

/**
 * The ClusterLoadAssignment an EDS cluster needs, by resource name, and how long the cluster may
 * warm waiting for it ({@link Duration#ZERO}: no limit).
 */
public record EdsSubscription(String resourceName, Duration initialFetchTimeout) {
  public EdsSubscription {
    Objects.requireNonNull(resourceName, "resourceName");
    Objects.requireNonNull(initialFetchTimeout, "initialFetchTimeout");
  }
}
