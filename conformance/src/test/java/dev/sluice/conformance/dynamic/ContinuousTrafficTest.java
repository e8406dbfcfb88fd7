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
import dev.sluice.snapshot.ConfigSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
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

  /** A snapshot applied at [appliedFromNanos, appliedToNanos] allowing these backends. */
  private record Applied(long fromNanos, long toNanos, Set<String> allowed) {}

  /** One request: when it was sent and answered, and what answered. */
  private record Outcome(String client, long sentNanos, long doneNanos, int status, String backend, String error) {}

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

    List<Applied> history = new ArrayList<>();
    history.add(new Applied(0, System.nanoTime(), initial));
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    CountDownLatch clientsDone = new CountDownLatch(2);
    startClient("h1", HttpClient.Version.HTTP_1_1, h1Port, running, outcomes, clientsDone);
    startClient("h2", HttpClient.Version.HTTP_2, h2Port, running, outcomes, clientsDone);

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
      history.add(new Applied(from, System.nanoTime(), allowed));
      // Pushes are paced (about 50 a second, like a busy control plane) so that traffic overlaps them.
      Thread.sleep(20);
    }
    running.set(false);
    clientsDone.await();

    assertThat(outcomes).isNotEmpty();
    List<Outcome> failed = outcomes.stream().filter(o -> o.status() != 200).toList();
    assertThat(failed).as("failed requests").isEmpty();
    for (Outcome o : outcomes) {
      assertThat(allowedDuring(history, o.sentNanos(), o.doneNanos()))
          .as("backends allowed while %s request ran", o.client())
          .contains(o.backend());
    }
    assertThat(outcomes.stream().filter(o -> o.client().equals("h1")).count()).isGreaterThan(UPDATES / 2);
    assertThat(outcomes.stream().filter(o -> o.client().equals("h2")).count()).isGreaterThan(UPDATES / 2);
    assertThat(server.stats().counterValues().get("listener_manager.listener_modified")).isEqualTo(UPDATES / 50);
  }

  /** Backends that any snapshot live at some instant of [sent, done] allowed. */
  private static Set<String> allowedDuring(List<Applied> history, long sent, long done) {
    Set<String> allowed = new TreeSet<>();
    for (int i = 0; i < history.size(); i++) {
      long liveFrom = history.get(i).fromNanos();
      long liveTo = i + 1 < history.size() ? history.get(i + 1).toNanos() : Long.MAX_VALUE;
      if (liveFrom <= done && liveTo >= sent) {
        allowed.addAll(history.get(i).allowed());
      }
    }
    return allowed;
  }

  private static void startClient(String name, HttpClient.Version version, int port, AtomicBoolean running,
      ConcurrentLinkedQueue<Outcome> outcomes, CountDownLatch done) {
    Thread t = new Thread(() -> {
      HttpClient client = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
      URI uri = URI.create("http://127.0.0.1:" + port + "/traffic");
      try {
        while (running.get()) {
          long sent = System.nanoTime();
          try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
            outcomes.add(new Outcome(name, sent, System.nanoTime(), r.statusCode(),
                r.headers().firstValue("x-backend").orElse("?"), null));
          } catch (Exception e) {
            outcomes.add(new Outcome(name, sent, System.nanoTime(), -1, "?", e.toString()));
          }
        }
      } finally {
        done.countDown();
      }
    }, "traffic-" + name);
    t.setDaemon(true);
    t.start();
  }
}
