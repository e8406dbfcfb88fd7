package dev.sluice.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A decoded bootstrap: node identity, the admin listener and the static resources. The static
 * listeners, clusters and secrets form the first {@link dev.sluice.snapshot.ConfigSnapshot}.
 *
 * @param secrets {@code static_resources.secrets} by name: what TLS contexts reference through an
 *     {@code SdsSecretConfig} without {@code sds_config}
 * @param secretFiles the secrets read from files ({@code sds_config} with a path source): each file
 *     and the names of the secrets referenced from it, to be watched for changes
 */
public record BootstrapConfig(
    NodeConfig node,
    Optional<AdminConfig> admin,
    List<ListenerConfig> listeners,
    List<ClusterConfig> clusters,
    Map<String, SecretConfig> secrets,
    Map<String, Set<String>> secretFiles) {
  public BootstrapConfig {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(admin, "admin");
    listeners = List.copyOf(listeners);
    clusters = List.copyOf(clusters);
    secrets = Map.copyOf(secrets);
    Map<String, Set<String>> files = new LinkedHashMap<>();
    secretFiles.forEach((file, names) -> files.put(file, Set.copyOf(names)));
    secretFiles = Collections.unmodifiableMap(files);
  }

  /** A bootstrap without static secrets. */
  public BootstrapConfig(NodeConfig node, Optional<AdminConfig> admin, List<ListenerConfig> listeners,
      List<ClusterConfig> clusters) {
    this(node, admin, listeners, clusters, Map.of(), Map.of());
  }

  /** This bootstrap with another node identity (command-line overrides). */
  public BootstrapConfig withNode(NodeConfig newNode) {
    return new BootstrapConfig(newNode, admin, listeners, clusters, secrets, secretFiles);
  }
}
