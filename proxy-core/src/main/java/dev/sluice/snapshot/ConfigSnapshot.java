package dev.sluice.snapshot;

import dev.sluice.config.ClusterConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.SecretConfig;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One consistent, immutable view of all listeners, clusters and the secrets their TLS contexts
 * name. Listener and cluster names are unique; the order of listeners is the order they were
 * configured in. {@code toString()} of a secret never shows key material (see {@code DataSource}).
 */
public record ConfigSnapshot(
    String version, List<ListenerConfig> listeners, Map<String, ClusterConfig> clusters, Map<String, SecretConfig> secrets) {
  public static final ConfigSnapshot EMPTY = new ConfigSnapshot("", List.of(), Map.of());

  public ConfigSnapshot(String version, List<ListenerConfig> listeners, Map<String, ClusterConfig> clusters) {
    this(version, listeners, clusters, Map.of());
  }

  public ConfigSnapshot {
    Objects.requireNonNull(version, "version");
    listeners = List.copyOf(listeners);
    clusters = Map.copyOf(clusters);
    secrets = Map.copyOf(secrets);
    Set<String> names = new HashSet<>();
    for (ListenerConfig l : listeners) {
      if (!names.add(l.name())) {
        throw new IllegalArgumentException("duplicate listener name '" + l.name() + "'");
      }
    }
  }

  /** Builds a snapshot from a list of clusters whose names must be unique. */
  public static ConfigSnapshot of(String version, List<ListenerConfig> listeners, List<ClusterConfig> clusters) {
    Map<String, ClusterConfig> byName = new LinkedHashMap<>();
    for (ClusterConfig c : clusters) {
      if (byName.putIfAbsent(c.name(), c) != null) {
        throw new IllegalArgumentException("duplicate cluster name '" + c.name() + "'");
      }
    }
    return new ConfigSnapshot(version, listeners, byName);
  }

  /** This snapshot with other secrets. */
  public ConfigSnapshot withSecrets(Map<String, SecretConfig> newSecrets) {
    return new ConfigSnapshot(version, listeners, clusters, newSecrets);
  }
}
