package dev.sluice.listener;

import dev.sluice.common.RandomSource;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.tls.CertificateSourceRegistry;
import dev.sluice.tls.TlsContextFactory;
import dev.sluice.upstream.ClusterManager;
import dev.sluice.upstream.lb.LbPolicyRegistry;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** A listener manager with TLS support on real event loops, fresh stats and clusters per test. */
abstract class ListenerTestBase {
  static Transport transport;
  static EventLoopGroup group;
  static CertificateSourceRegistry certificates;
  static TlsContextFactory tlsFactory;

  StatsRegistry stats;
  ClusterManager clusters;
  ListenerManager manager;

  @BeforeAll
  static void startLoops() {
    transport = Transport.detect();
    group = transport.newGroup(2, "listener-test");
    certificates = CertificateSourceRegistry.create();
    tlsFactory = TlsContextFactory.create();
  }

  @AfterAll
  static void stopLoops() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    certificates.close();
  }

  @BeforeEach
  void newManager() {
    stats = new StatsRegistry();
    clusters = new ClusterManager(stats, LbPolicyRegistry.builtIn());
    manager = new ListenerManager(group, transport, stats, clusters, RandomSource.THREAD_LOCAL, tlsFactory,
        certificates, timeouts());
  }

  ListenerManager.Timeouts timeouts() {
    return ListenerManager.Timeouts.DEFAULT;
  }

  @AfterEach
  void closeManager() {
    List<BoundListener> open = manager.listeners();
    manager.close();
    open.forEach(BoundListener::closeConnections);
    clusters.close();
  }

  /** Binds one listener that needs no warming and returns its port. */
  int bind(ListenerConfig config) throws Exception {
    BoundListener l = manager.bindAll(List.of(config)).get(0);
    return l.localAddress().getPort();
  }

  /** Static clusters, each with one endpoint on 127.0.0.1. */
  void clusters(Map<String, Integer> ports) throws Exception {
    Map<String, ClusterConfig> configs = new HashMap<>();
    ports.forEach((name, port) -> configs.put(name,
        ClusterConfig.ofStatic(name, List.of(EndpointConfig.of("127.0.0.1", port)))));
    clusters.update(configs).get(5, TimeUnit.SECONDS);
  }

  long counter(String name) {
    return stats.counterValues().getOrDefault(name, 0L);
  }

  long gauge(String name) {
    return stats.gaugeValues().getOrDefault(name, 0L);
  }

  static final Duration DRAIN = Duration.ofMillis(200);
}
