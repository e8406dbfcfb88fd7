package dev.sluice.xds.resource;

import java.util.Objects;

/**
 * A route's or TCP proxy's reference to a cluster by name, with the path of the field that names
 * it, so that a reference to a cluster nobody defines can be reported where it was written.
 */
public record ClusterReference(String path, String cluster) {
  public ClusterReference {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(cluster, "cluster");
  }
}
