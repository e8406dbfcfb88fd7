package dev.sluice.listener.tcp;

import dev.sluice.common.RandomSource;
import dev.sluice.config.TcpProxyConfig;
import dev.sluice.listener.filter.TerminalFilter;
import dev.sluice.listener.filter.TlsConnectionInfo;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.upstream.ClusterManager;
import dev.sluice.upstream.pool.UpstreamTransport;
import io.netty.channel.Channel;
import java.util.List;

/**
 * One filter chain's {@code tcp_proxy}: the compiled configuration (cumulative cluster weights)
 * and the stats its connections share. Each connection gets a {@link TcpProxyHandler}.
 */
public final class TcpProxy implements TerminalFilter {
  private final long idleTimeoutNanos;
  private final TcpProxyStats stats;
  private final StatsRegistry registry;
  private final ClusterManager clusters;
  private final UpstreamTransport transport;
  private final RandomSource random;
  private final String[] clusterNames;
  private final int[] cumulativeWeights;

  public TcpProxy(TcpProxyConfig config, StatsRegistry stats, ClusterManager clusters, UpstreamTransport transport,
      RandomSource random) {
    this.idleTimeoutNanos = config.idleTimeout().toNanos();
    this.stats = new TcpProxyStats(stats, config.statPrefix());
    this.registry = stats;
    this.clusters = clusters;
    this.transport = transport;
    this.random = random;
    List<TcpProxyConfig.WeightedCluster> weighted = config.clusters();
    this.clusterNames = new String[weighted.size()];
    this.cumulativeWeights = new int[weighted.size()];
    long total = 0;
    for (int i = 0; i < weighted.size(); i++) {
      total += weighted.get(i).weight();
      clusterNames[i] = weighted.get(i).name();
      cumulativeWeights[i] = (int) Math.min(Integer.MAX_VALUE, total);
    }
  }

  @Override
  public void install(Channel channel, TlsConnectionInfo tls) {
    channel.pipeline().addLast("tcp-proxy", new TcpProxyHandler(this));
  }

  /** A cluster name by weight: Envoy's {@code weighted_clusters}. */
  String pickCluster() {
    if (clusterNames.length == 1) {
      return clusterNames[0];
    }
    int r = random.nextInt(cumulativeWeights[cumulativeWeights.length - 1]);
    for (int i = 0; i < cumulativeWeights.length; i++) {
      if (r < cumulativeWeights[i]) {
        return clusterNames[i];
      }
    }
    return clusterNames[clusterNames.length - 1];
  }

  TcpProxyStats stats() {
    return stats;
  }

  StatsRegistry registry() {
    return registry;
  }

  ClusterManager clusters() {
    return clusters;
  }

  UpstreamTransport transport() {
    return transport;
  }

  RandomSource random() {
    return random;
  }

  /** Envoy's idle_timeout; 0 for none. */
  long idleTimeoutNanos() {
    return idleTimeoutNanos;
  }
}
