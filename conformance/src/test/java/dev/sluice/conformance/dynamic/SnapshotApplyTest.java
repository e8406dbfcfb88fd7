package dev.sluice.conformance.dynamic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.app.DemoBackend;
import dev.sluice.app.ServerOptions;
import dev.sluice.app.SluiceServer;
import dev.sluice.config.BootstrapConfig;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.CodecType;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.HeaderMutations;
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
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Applying configuration snapshots to a running server: routes in place, listeners replaced and removed. */
class SnapshotApplyTest {
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private SluiceServer server;
  private DemoBackend backend;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private static ListenerConfig listener(String name, int port, RouteActionConfig action) {
    RouteRuleConfig rule = new RouteRuleConfig("all", RouteMatchConfig.prefix("/"), action, HeaderMutations.NONE);
    RouteConfig routes = new RouteConfig("routes", List.of(new VirtualHostConfig("vh", List.of("*"), List.of(rule),
        HeaderMutations.NONE)), HeaderMutations.NONE);
    return new ListenerConfig(name, new SocketAddressConfig("127.0.0.1", port), List.of(new FilterChainConfig("chain",
        HttpConnectionManagerConfig.withDefaults(name, CodecType.AUTO, routes))));
  }

  private static RouteActionConfig text(String body) {
    return new RouteActionConfig.DirectResponse(200, body);
  }

  private void start(ListenerConfig... listeners) throws Exception {
    server = SluiceServer.start(new BootstrapConfig(NodeConfig.EMPTY, Optional.empty(), List.of(listeners), List.of()),
        new ServerOptions(1, Duration.ofSeconds(5), "{}", java.util.Map.of()));
  }

  private String get(int port, String path) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  private long counter(String name) {
    return server.stats().counterValues().getOrDefault(name, 0L);
  }

  @Test
  void routeChangeIsSeenOnTheSameConnection() throws Exception {
    start(listener("web", 0, text("one")));
    int port = server.listenerAddress("web").getPort();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      assertThat(exchange(socket)).endsWith("\r\n\r\none");

      List<String> failures =
          server.apply(ConfigSnapshot.of("2", List.of(listener("web", port, text("two"))), List.of()));

      assertThat(failures).isEmpty();
      assertThat(exchange(socket)).endsWith("\r\n\r\ntwo");
    }
    assertThat(counter("http.web.downstream_cx_total")).isEqualTo(1);
    assertThat(counter("listener_manager.listener_in_place_updated")).isEqualTo(1);
  }

  /** One keep-alive request on a raw socket; the response is read up to its Content-Length. */
  private static String exchange(Socket socket) throws IOException {
    socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    java.io.InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed after " + head);
      }
      head.append((char) c);
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
    int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
    return head + new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void addedClusterAndRouteServeTraffic() throws Exception {
    backend = DemoBackend.start("b1", "127.0.0.1", 0);
    start(listener("web", 0, text("none yet")));
    int port = server.listenerAddress("web").getPort();
    ClusterConfig cluster = ClusterConfig.ofStatic("b1", List.of(EndpointConfig.of("127.0.0.1", backend.port())));

    server.apply(ConfigSnapshot.of("2", List.of(listener("web", port, RouteActionConfig.Forward.to("b1"))),
        List.of(cluster)));

    assertThat(get(port, "/x")).startsWith("200 backend: b1");
  }

  @Test
  void replacedListenerMovesAndTheOldPortCloses() throws Exception {
    start(listener("web", 0, text("old")));
    int oldPort = server.listenerAddress("web").getPort();
    int newPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      newPort = probe.getLocalPort();
    }

    server.apply(ConfigSnapshot.of("2", List.of(listener("web", newPort, text("new"))), List.of()));

    assertThat(get(newPort, "/")).isEqualTo("200 new");
    assertThat(server.listenerAddress("web").getPort()).isEqualTo(newPort);
    assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", oldPort), 1000))
        .isInstanceOf(ConnectException.class);
    assertThat(counter("listener_manager.listener_modified")).isEqualTo(1);
  }

  @Test
  void removedListenerStopsAcceptingAndOthersStay() throws Exception {
    start(listener("a", 0, text("a")), listener("b", 0, text("b")));
    int a = server.listenerAddress("a").getPort();
    int b = server.listenerAddress("b").getPort();

    server.apply(ConfigSnapshot.of("2", List.of(listener("b", b, text("b"))), List.of()));

    assertThat(get(b, "/")).isEqualTo("200 b");
    assertThatThrownBy(() -> get(a, "/")).isInstanceOf(IOException.class);
    assertThat(server.listeners()).extracting(l -> l.name()).containsExactly("b");
    assertThat(counter("listener_manager.listener_removed")).isEqualTo(1);
  }

  @Test
  void equalSnapshotChangesNothing() throws Exception {
    ListenerConfig web = listener("web", 0, text("same"));
    start(web);
    int port = server.listenerAddress("web").getPort();
    var before = server.listeners().get(0);

    server.apply(ConfigSnapshot.of("2", List.of(listener("web", port, text("same"))), List.of()));

    // The configured port differs (0 then the bound one), so compare what a client sees and the socket.
    assertThat(get(port, "/")).isEqualTo("200 same");
    assertThat(server.listeners().get(0).localAddress()).isEqualTo(before.localAddress());
  }
}
