package dev.sluice.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.RandomSource;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.upstream.lb.LbPolicyRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClusterManagerTest {
  private final StatsRegistry stats = new StatsRegistry();
  private final ClusterManager manager = new ClusterManager(stats, LbPolicyRegistry.builtIn());

  @AfterEach
  void close() {
    manager.close();
  }

  private void apply(ClusterConfig... configs) throws Exception {
    Map<String, ClusterConfig> byName = new java.util.LinkedHashMap<>();
    for (ClusterConfig c : configs) {
      byName.put(c.name(), c);
    }
    manager.update(byName).get(10, TimeUnit.SECONDS);
  }

  @Test
  void staticClusterServesItsEndpoints() throws Exception {
    apply(ClusterConfig.ofStatic("web", List.of(EndpointConfig.of("127.0.0.1", 8080), EndpointConfig.of("127.0.0.2", 8080))));
    UpstreamCluster web = manager.get("web");
    assertThat(web.endpoints()).extracting(e -> e.address().getAddress().getHostAddress())
        .containsExactly("127.0.0.1", "127.0.0.2");
    assertThat(stats.gaugeValues()).containsEntry("cluster.web.membership_total", 2L);
  }

  @Test
  void updateKeepsSurvivingEndpointsAndTheirCounters() throws Exception {
    apply(ClusterConfig.ofStatic("web", List.of(EndpointConfig.of("127.0.0.1", 8080), EndpointConfig.of("127.0.0.2", 8080))));
    UpstreamCluster web = manager.get("web");
    UpstreamEndpoint kept = web.endpoints().get(0);
    UpstreamEndpoint dropped = web.endpoints().get(1);
    kept.requestStarted();
    kept.requestFinished(true);

    apply(ClusterConfig.ofStatic("web", List.of(EndpointConfig.of("127.0.0.1", 8080), EndpointConfig.of("127.0.0.3", 8080))));

    assertThat(manager.get("web")).isSameAs(web);
    assertThat(web.endpoints().get(0)).isSameAs(kept);
    assertThat(kept.requestsSuccess()).isEqualTo(1);
    assertThat(kept.isRemoved()).isFalse();
    assertThat(dropped.isRemoved()).isTrue();
    assertThat(web.endpoints().get(1).address().getAddress().getHostAddress()).isEqualTo("127.0.0.3");
  }

  @Test
  void removedClusterIsGoneAndItsEndpointsMarked() throws Exception {
    apply(ClusterConfig.ofStatic("a", List.of(EndpointConfig.of("127.0.0.1", 1))),
        ClusterConfig.ofStatic("b", List.of(EndpointConfig.of("127.0.0.1", 2))));
    UpstreamEndpoint aEndpoint = manager.get("a").endpoints().get(0);
    apply(ClusterConfig.ofStatic("b", List.of(EndpointConfig.of("127.0.0.1", 2))));
    assertThat(manager.get("a")).isNull();
    assertThat(aEndpoint.isRemoved()).isTrue();
    assertThat(manager.get("b")).isNotNull();
  }

  @Test
  void strictDnsResolvesBeforeTheUpdateCompletes() throws Exception {
    ClusterConfig dns = new ClusterConfig("dns", ClusterConfig.DiscoveryType.STRICT_DNS, Duration.ofSeconds(1),
        ClusterConfig.LbPolicy.ROUND_ROBIN, List.of(new EndpointConfig(new SocketAddressConfig("localhost", 9000), 3)),
        Duration.ofMillis(50), Duration.ofHours(1), 0, ClusterConfig.DnsLookupFamily.V4_ONLY, null);
    apply(dns);
    UpstreamCluster cluster = manager.get("dns");
    assertThat(cluster.endpoints()).isNotEmpty();
    assertThat(cluster.endpoints()).allSatisfy(e -> {
      assertThat(e.address().getAddress().isLoopbackAddress()).isTrue();
      assertThat(e.address().getPort()).isEqualTo(9000);
      assertThat(e.weight()).isEqualTo(3);
      assertThat(e.configured().host()).isEqualTo("localhost");
    });
    // Re-resolution every 50 ms keeps the same endpoint objects while the answer is unchanged.
    UpstreamEndpoint first = cluster.endpoints().get(0);
    long successes = stats.counterValues().get("cluster.dns.update_success");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (stats.counterValues().get("cluster.dns.update_success") < successes + 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(stats.counterValues().get("cluster.dns.update_success")).isGreaterThanOrEqualTo(successes + 2);
    assertThat(cluster.endpoints().get(0)).isSameAs(first);
  }

  @Test
  void unresolvableNameCountsAFailureAndLeavesNoEndpoints() throws Exception {
    ClusterConfig dns = new ClusterConfig("nx", ClusterConfig.DiscoveryType.STRICT_DNS, Duration.ofSeconds(1),
        ClusterConfig.LbPolicy.ROUND_ROBIN,
        List.of(new EndpointConfig(new SocketAddressConfig("no-such-host.invalid", 80), 1)),
        Duration.ofSeconds(60), Duration.ofHours(1), 0);
    apply(dns);
    assertThat(manager.get("nx").endpoints()).isEmpty();
    assertThat(manager.get("nx").pick(RandomSource.seeded(1))).isNull();
    assertThat(stats.counterValues()).containsEntry("cluster.nx.update_failure", 1L);
  }
}
