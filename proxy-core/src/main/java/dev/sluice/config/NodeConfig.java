package dev.sluice.config;

import java.util.Map;
import java.util.Objects;

/** The node identity sent to management servers and shown on the admin interface. */
public record NodeConfig(String id, String cluster, Map<String, String> metadata) {
  public static final NodeConfig EMPTY = new NodeConfig("", "", Map.of());

  public NodeConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(cluster, "cluster");
    metadata = Map.copyOf(metadata);
  }

  public NodeConfig withId(String newId) {
    return new NodeConfig(newId, cluster, metadata);
  }

  public NodeConfig withCluster(String newCluster) {
    return new NodeConfig(id, newCluster, metadata);
  }
}
