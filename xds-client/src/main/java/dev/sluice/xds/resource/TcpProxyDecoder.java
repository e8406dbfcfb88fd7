package dev.sluice.xds.resource;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.config.TcpProxyConfig;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes the {@code envoy.filters.network.tcp_proxy} network filter: one cluster, or several by
 * weight, and the idle timeout. The clusters named are checked to exist, as a static route
 * table's are.
 */
final class TcpProxyDecoder {
  static final String TYPE_URL = "type.googleapis.com/" + TcpProxy.getDescriptor().getFullName();

  private static final Set<String> FIELDS = Set.of("stat_prefix", "cluster", "weighted_clusters", "idle_timeout");
  private static final Set<String> WEIGHTED_FIELDS = Set.of("clusters");
  private static final Set<String> CLUSTER_WEIGHT_FIELDS = Set.of("name", "weight");

  private TcpProxyDecoder() {}

  /** Unpacks and decodes a filter's {@code typed_config}; {@code path} names the Any. */
  static Optional<TcpProxyConfig> decode(Any typedConfig, String path, DecodeContext ctx) {
    try {
      return decode(typedConfig.unpack(TcpProxy.class), path, ctx);
    } catch (InvalidProtocolBufferException e) {
      ctx.error(path, "cannot decode TcpProxy: " + e.getMessage());
      return Optional.empty();
    }
  }

  static Optional<TcpProxyConfig> decode(TcpProxy proxy, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(proxy, path, ctx, FIELDS);
    if (proxy.getStatPrefix().isEmpty()) {
      ctx.error(FieldPath.child(path, "stat_prefix"), "stat_prefix is required");
    }
    List<TcpProxyConfig.WeightedCluster> clusters = new ArrayList<>();
    switch (proxy.getClusterSpecifierCase()) {
      case CLUSTER -> cluster(proxy.getCluster(), 1, FieldPath.child(path, "cluster"), clusters, ctx);
      case WEIGHTED_CLUSTERS -> {
        String wPath = FieldPath.child(path, "weighted_clusters");
        TcpProxy.WeightedCluster weighted = proxy.getWeightedClusters();
        FieldRules.check(weighted, wPath, ctx, WEIGHTED_FIELDS);
        if (weighted.getClustersCount() == 0) {
          ctx.error(FieldPath.child(wPath, "clusters"), "at least one cluster is required");
        }
        for (int i = 0; i < weighted.getClustersCount(); i++) {
          TcpProxy.WeightedCluster.ClusterWeight w = weighted.getClusters(i);
          String cPath = FieldPath.element(wPath, "clusters", i);
          FieldRules.check(w, cPath, ctx, CLUSTER_WEIGHT_FIELDS);
          String weightPath = FieldPath.child(cPath, "weight");
          int weight = ProtoValues.uint32(w.getWeight(), weightPath, ctx);
          if (w.getWeight() == 0) {
            ctx.error(weightPath, "must be at least 1 (value: 0)");
          } else if (weight > 0) {
            cluster(w.getName(), weight, FieldPath.child(cPath, "name"), clusters, ctx);
          }
        }
      }
      case CLUSTERSPECIFIER_NOT_SET -> ctx.error(path, "cluster or weighted_clusters is required");
    }
    Duration idle = ProtoValues.nonNegative(proxy.hasIdleTimeout(), proxy.getIdleTimeout(),
        TcpProxyConfig.DEFAULT_IDLE_TIMEOUT, FieldPath.child(path, "idle_timeout"), ctx);
    if (ctx.errorCount() != before) {
      return Optional.empty();
    }
    try {
      return Optional.of(new TcpProxyConfig(proxy.getStatPrefix(), clusters, idle));
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return Optional.empty();
    }
  }

  private static void cluster(String name, int weight, String path, List<TcpProxyConfig.WeightedCluster> out,
      DecodeContext ctx) {
    if (name.isEmpty()) {
      ctx.error(path, "a cluster name is required");
      return;
    }
    try {
      out.add(new TcpProxyConfig.WeightedCluster(name, weight));
      ctx.referenceCluster(path, name);
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
    }
  }
}
