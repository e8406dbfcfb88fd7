package dev.sluice.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatCode;

import dev.sluice.common.RandomSource;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.config.TlsParamsConfig;
import dev.sluice.config.UpstreamTlsConfig;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.upstream.lb.LbPolicyRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClusterManagerTest {
  private final StatsRegistry stats = new StatsRegistry();
  private final FakeTlsProvider tlsProvider = new FakeTlsProvider();
  private final ClusterManager manager = new ClusterManager(stats, LbPolicyRegistry.builtIn(), tlsProvider);

  @AfterEach
  void close() {
    manager.close();
  }

  /** Records what the manager asks of it; {@code failWith} makes creation throw. */
  private static final class FakeTlsProvider implements UpstreamTlsProvider {
    final List<FakeTls> created = new ArrayList<>();
    volatile RuntimeException failWith;

    @Override
    public UpstreamTls create(String clusterName, UpstreamTlsConfig config) {
      if (failWith != null) {
        throw failWith;
      }
      FakeTls tls = new FakeTls(clusterName, config);
      synchronized (created) {
        created.add(tls);
      }
      return tls;
    }

    List<FakeTls> created() {
      synchronized (created) {
        return List.copyOf(created);
      }
    }
  }

  private static final class FakeTls implements UpstreamTls {
    final String cluster;
    final UpstreamTlsConfig config;
    volatile int closed;

    FakeTls(String cluster, UpstreamTlsConfig config) {
      this.cluster = cluster;
      this.config = config;
    }

    @Override
    public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
      return null;
    }

    @Override
    public String failureStat(Throwable handshakeFailure) {
      return "ssl.connection_error";
    }

    @Override
    public void close() {
      closed++;
    }
  }

  private static UpstreamTlsConfig tls(String sni) {
    return UpstreamTlsConfig.of(new CommonTlsConfig(TlsParamsConfig.DEFAULT, List.of(), null, List.of()), sni);
  }

  private static ClusterConfig tlsCluster(String name, String sni, int... ports) {
    List<EndpointConfig> endpoints = new ArrayList<>();
    for (int port : ports) {
      endpoints.add(EndpointConfig.of("127.0.0.1", port));
    }
    return ClusterConfig.ofStatic(name, endpoints).withTls(tls(sni));
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

  @Test
  void plaintextClusterHasNoTls() throws Exception {
    apply(ClusterConfig.ofStatic("web", List.of(EndpointConfig.of("127.0.0.1", 8080))));
    assertThat(manager.get("web").tls()).isNull();
    assertThat(tlsProvider.created()).isEmpty();
  }

  @Test
  void tlsIsCreatedOnceAndKeptWhileItsSettingsStay() throws Exception {
    apply(tlsCluster("web", "a.example", 8080));
    UpstreamCluster web = manager.get("web");
    FakeTls first = (FakeTls) web.tls();
    UpstreamEndpoint kept = web.endpoints().get(0);
    assertThat(first.cluster).isEqualTo("web");
    assertThat(first.config.sni()).isEqualTo("a.example");

    apply(tlsCluster("web", "a.example", 8080, 8081));

    assertThat(tlsProvider.created()).containsExactly(first);
    assertThat(web.tls()).isSameAs(first);
    assertThat(first.closed).isZero();
    assertThat(web.endpoints().get(0)).isSameAs(kept);
    assertThat(kept.isRemoved()).isFalse();
  }

  @Test
  void changedTlsClosesTheOldOneAndRenewsEveryEndpoint() throws Exception {
    apply(tlsCluster("web", "a.example", 8080));
    UpstreamCluster web = manager.get("web");
    FakeTls first = (FakeTls) web.tls();
    UpstreamEndpoint before = web.endpoints().get(0);

    apply(tlsCluster("web", "b.example", 8080));

    assertThat(tlsProvider.created()).hasSize(2);
    FakeTls second = tlsProvider.created().get(1);
    assertThat(web.tls()).isSameAs(second);
    assertThat(second.config.sni()).isEqualTo("b.example");
    assertThat(first.closed).isEqualTo(1);
    assertThat(second.closed).isZero();
    // Same address, new endpoint object: pools made with the old settings drain instead of serving.
    assertThat(web.endpoints()).hasSize(1);
    assertThat(web.endpoints().get(0)).isNotSameAs(before);
    assertThat(web.endpoints().get(0).address()).isEqualTo(before.address());
    assertThat(before.isRemoved()).isTrue();
  }

  @Test
  void droppingTlsClosesItAndRenewsEndpoints() throws Exception {
    apply(tlsCluster("web", "a.example", 8080));
    UpstreamCluster web = manager.get("web");
    FakeTls first = (FakeTls) web.tls();
    UpstreamEndpoint before = web.endpoints().get(0);

    apply(ClusterConfig.ofStatic("web", List.of(EndpointConfig.of("127.0.0.1", 8080))));

    assertThat(web.tls()).isNull();
    assertThat(first.closed).isEqualTo(1);
    assertThat(before.isRemoved()).isTrue();
    assertThat(web.endpoints().get(0)).isNotSameAs(before);
  }

  @Test
  void removedClusterClosesItsTls() throws Exception {
    apply(tlsCluster("a", "a.example", 1), tlsCluster("b", "b.example", 2));
    FakeTls a = (FakeTls) manager.get("a").tls();
    FakeTls b = (FakeTls) manager.get("b").tls();

    apply(tlsCluster("b", "b.example", 2));

    assertThat(a.closed).isEqualTo(1);
    assertThat(b.closed).isZero();
    manager.close();
    assertThat(b.closed).isEqualTo(1);
  }

  @Test
  void strictDnsClusterRenewsEndpointsWhenTlsChangesBeforeResolving() throws Exception {
    ClusterConfig dns = new ClusterConfig("dns", ClusterConfig.DiscoveryType.STRICT_DNS, Duration.ofSeconds(1),
        ClusterConfig.LbPolicy.ROUND_ROBIN, List.of(new EndpointConfig(new SocketAddressConfig("localhost", 9000), 1)),
        Duration.ofSeconds(60), Duration.ofHours(1), 0, ClusterConfig.DnsLookupFamily.V4_ONLY, tls("a.example"));
    apply(dns);
    UpstreamCluster cluster = manager.get("dns");
    UpstreamEndpoint before = cluster.endpoints().get(0);

    apply(dns.withTls(tls("b.example")));

    assertThat(((FakeTls) cluster.tls()).config.sni()).isEqualTo("b.example");
    assertThat(before.isRemoved()).isTrue();
    assertThat(cluster.endpoints()).isNotEmpty().doesNotContain(before);
  }

  @Test
  void failureToCreateTlsKeepsTheUpdateAndFailsConnections() throws Exception {
    tlsProvider.failWith = new IllegalStateException("no such provider");

    apply(tlsCluster("web", "a.example", 8080), ClusterConfig.ofStatic("plain", List.of(EndpointConfig.of("127.0.0.1", 1))));

    UpstreamCluster web = manager.get("web");
    assertThat(web.endpoints()).hasSize(1);
    assertThat(manager.get("plain")).isNotNull();
    assertThat(stats.counterValues()).containsEntry("cluster.web.update_failure", 1L);
    assertThat(web.tls()).isNotNull();
    assertThat(web.tls().newHandler(ByteBufAllocator.DEFAULT, "127.0.0.1", 8080)).isNull();
    assertThat(web.tls().notReadyReason()).contains("no such provider");

    // The next change of the cluster tries again.
    tlsProvider.failWith = null;
    apply(tlsCluster("web", "a.example", 8080, 8081));
    assertThat(web.tls()).isInstanceOf(FakeTls.class);
  }

  @Test
  void withoutATlsProviderTlsClustersStillUpdate() throws Exception {
    try (ClusterManager plain = new ClusterManager(stats, LbPolicyRegistry.builtIn())) {
      assertThatCode(() -> plain.update(Map.of("web", tlsCluster("web", "", 8080))).get(10, TimeUnit.SECONDS))
          .doesNotThrowAnyException();
      assertThat(plain.get("web").tls().notReadyReason()).contains("does not provide");
    }
  }
}
