package dev.sluice.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Envoy's {@code envoy.filters.network.tcp_proxy}: every connection is forwarded, bytes both ways,
 * to an endpoint of one cluster, picked by weight when several are given. Envoy's default idle
 * timeout is one hour; zero disables it.
 */
public record TcpProxyConfig(String statPrefix, List<WeightedCluster> clusters, Duration idleTimeout)
    implements NetworkFilterConfig {

  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

  /** A target cluster and its weight; a single {@code cluster} is one entry of weight 1. */
  public record WeightedCluster(String name, int weight) {
    public WeightedCluster {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("cluster name must not be empty");
      }
      if (weight < 1) {
        throw new IllegalArgumentException("weight of cluster '" + name + "' must be at least 1, got " + weight);
      }
    }
  }

  public TcpProxyConfig {
    Objects.requireNonNull(statPrefix, "stat_prefix");
    clusters = List.copyOf(clusters);
    Objects.requireNonNull(idleTimeout, "idle_timeout");
    if (statPrefix.isEmpty()) {
      throw new IllegalArgumentException("stat_prefix must not be empty");
    }
    if (clusters.isEmpty()) {
      throw new IllegalArgumentException("tcp_proxy needs a cluster or weighted_clusters");
    }
    if (idleTimeout.isNegative()) {
      throw new IllegalArgumentException("idle_timeout must not be negative: " + idleTimeout);
    }
  }

  /** A proxy to one cluster with Envoy's default idle timeout. */
  public static TcpProxyConfig to(String statPrefix, String cluster) {
    return new TcpProxyConfig(statPrefix, List.of(new WeightedCluster(cluster, 1)), DEFAULT_IDLE_TIMEOUT);
  }
}
