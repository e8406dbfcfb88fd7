package dev.sluice.conformance.dynamic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.app.DemoBackend;
import dev.sluice.app.ServerOptions;
import dev.sluice.app.SluiceServer;
import dev.sluice.config.BootstrapConfig;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.CodecType;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.HeaderMutations;
import dev.sluice.config.HeaderValueOption;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.NodeConfig;
import dev.sluice.config.RouteActionConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.RouteMatchConfig;
import dev.sluice.config.RouteRuleConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.config.VirtualHostConfig;
import dev.sluice.conformance.support.UpdateTraffic;
import dev.sluice.conformance.support.UpdateTraffic.Outcome;
import dev.sluice.snapshot.ConfigSnapshot;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests flow over keep-alive HTTP/1.1 and HTTP/2 connections while 200 snapshots are applied:
 * route changes, endpoint churn and a listener replaced. No request may fail, and every request
 * must be served by a backend that some snapshot live during the request allowed.
 */
class ContinuousTrafficTest {
  private static final int UPDATES = 200;
  private static final int BACKENDS = 4;

  private final List<DemoBackend> backends = new ArrayList<>();
  private SluiceServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    backends.forEach(DemoBackend::close);
  }

  private static ListenerConfig listener(String name, int port, CodecType codec, int version) {
    RouteRuleConfig rule = new RouteRuleConfig("all", RouteMatchConfig.prefix("/"), RouteActionConfig.Forward.to("svc"),
        new HeaderMutations(List.of(), List.of(),
            List.of(HeaderValueOption.overwrite("x-config-version", Integer.toString(version))), List.of()));
    RouteConfig routes = new RouteConfig("routes-" + version, List.of(new VirtualHostConfig("vh", List.of("*"),
        List.of(rule), HeaderMutations.NONE)), HeaderMutations.NONE);
    return new ListenerConfig(name, new SocketAddressConfig("127.0.0.1", port), List.of(new FilterChainConfig("chain",
        HttpConnectionManagerConfig.withDefaults(name, codec, routes))));
  }

  private ClusterConfig cluster(Set<String> allowed) {
    List<EndpointConfig> endpoints = new ArrayList<>();
    for (DemoBackend b : backends) {
      if (allowed.contains(b.name())) {
        endpoints.add(EndpointConfig.of("127.0.0.1", b.port()));
      }
    }
    return ClusterConfig.ofStatic("svc", endpoints);
  }

  @Test
  void noRequestFailsWhileTwoHundredUpdatesApply() throws Exception {
    for (int i = 0; i < BACKENDS; i++) {
      backends.add(DemoBackend.start("b" + i, "127.0.0.1", 0));
    }
    Set<String> initial = new TreeSet<>(Set.of("b0", "b1"));
    server = SluiceServer.start(new BootstrapConfig(NodeConfig.EMPTY, Optional.empty(),
            List.of(listener("h1", 0, CodecType.HTTP1, 0), listener("h2", 0, CodecType.AUTO, 0)),
            List.of(cluster(initial))),
        new ServerOptions(2, Duration.ofSeconds(2), "{}", Map.of()));
    int h1Port = server.listenerAddress("h1").getPort();
    int h2Port = server.listenerAddress("h2").getPort();

    UpdateTraffic traffic = new UpdateTraffic();
    traffic.applied(0, System.nanoTime(), initial);
    traffic.startClient("h1", HttpClient.Version.HTTP_1_1, h1Port);
    traffic.startClient("h2", HttpClient.Version.HTTP_2, h2Port);

    Random random = new Random(42);
    CodecType h1Codec = CodecType.HTTP1;
    for (int version = 1; version <= UPDATES; version++) {
      Set<String> allowed = new TreeSet<>();
      while (allowed.isEmpty()) {
        for (int b = 0; b < BACKENDS; b++) {
          if (random.nextBoolean()) {
            allowed.add("b" + b);
          }
        }
      }
      if (version % 50 == 0) {
        // A listener-level change: the h1 listener is replaced by a new socket on the same port.
        h1Codec = h1Codec == CodecType.HTTP1 ? CodecType.AUTO : CodecType.HTTP1;
      }
      long from = System.nanoTime();
      List<String> failures = server.apply(ConfigSnapshot.of(Integer.toString(version),
          List.of(listener("h1", h1Port, h1Codec, version), listener("h2", h2Port, CodecType.AUTO, version)),
          List.of(cluster(allowed))));
      assertThat(failures).isEmpty();
      traffic.applied(from, System.nanoTime(), allowed);
      // Pushes are paced (about 50 a second, like a busy control plane) so that traffic overlaps them.
      Thread.sleep(20);
    }
    List<Outcome> outcomes = traffic.stop();

    assertThat(outcomes).isNotEmpty();
    List<Outcome> failed = outcomes.stream().filter(o -> o.status() != 200).toList();
    assertThat(failed).as("failed requests").isEmpty();
    for (Outcome o : outcomes) {
      assertThat(traffic.allowedDuring(o.sentNanos(), o.doneNanos()))
          .as("backends allowed while %s request ran", o.client())
          .contains(o.backend());
    }
    assertThat(outcomes.stream().filter(o -> o.client().equals("h1")).count()).isGreaterThan(UPDATES / 2);
    assertThat(outcomes.stream().filter(o -> o.client().equals("h2")).count()).isGreaterThan(UPDATES / 2);
    assertThat(server.stats().counterValues().get("listener_manager.listener_modified")).isEqualTo(UPDATES / 50);
  }
}
