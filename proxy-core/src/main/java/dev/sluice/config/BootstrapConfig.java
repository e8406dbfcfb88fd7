package dev.sluice.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoded bootstrap: node identity, the admin listener and the static resources. The static
 * listeners and clusters form the first {@link dev.sluice.snapshot.ConfigSnapshot}.
 */
public record BootstrapConfig(
    NodeConfig node,
    Optional<AdminConfig> admin,
    List<ListenerConfig> listeners,
    List<ClusterConfig> clusters) {
  public BootstrapConfig {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(admin, "admin");
    listeners = List.copyOf(listeners);
    clusters = List.copyOf(clusters);
  }
}
