package dev.sluice.listener.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.RandomSource;
import dev.sluice.config.TcpProxyConfig;
import dev.sluice.config.TcpProxyConfig.WeightedCluster;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.upstream.pool.UpstreamTransport;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Weighted cluster choice of the TCP proxy. */
class TcpProxyTest {

  @Test
  void picksClustersInProportionToTheirWeights() {
    TcpProxyConfig config = new TcpProxyConfig("split",
        List.of(new WeightedCluster("one", 1), new WeightedCluster("three", 3)), Duration.ZERO);
    TcpProxy proxy = new TcpProxy(config, new StatsRegistry(), null, new UpstreamTransport(NioSocketChannel.class),
        RandomSource.seeded(42));
    Map<String, Integer> picked = new HashMap<>();
    for (int i = 0; i < 40_000; i++) {
      picked.merge(proxy.pickCluster(), 1, Integer::sum);
    }
    assertThat(picked.keySet()).containsOnly("one", "three");
    assertThat(picked.get("one")).isBetween(9_000, 11_000);
  }

  @Test
  void aSingleClusterNeedsNoRandomness() {
    TcpProxy proxy = new TcpProxy(TcpProxyConfig.to("solo", "only"), new StatsRegistry(), null,
        new UpstreamTransport(NioSocketChannel.class), new RandomSource() {
          @Override
          public long nextLong() {
            throw new AssertionError("not used");
          }

          @Override
          public int nextInt(int bound) {
            throw new AssertionError("not used");
          }
        });
    assertThat(proxy.pickCluster()).isEqualTo("only");
  }
}
