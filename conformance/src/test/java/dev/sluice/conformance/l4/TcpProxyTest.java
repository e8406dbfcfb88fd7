package dev.sluice.conformance.l4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sluice.conformance.l4.Streams.Checksum;
import dev.sluice.conformance.support.Await;
import dev.sluice.conformance.support.Ports;
import dev.sluice.conformance.support.ProxyFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code envoy.filters.network.tcp_proxy} as Envoy behaves: bytes relayed unchanged both ways,
 * each direction closed on its own (half-close), the upstream connected as soon as the client is
 * accepted (so protocols where the server speaks first work), everything written before a close
 * delivered, a reset on either side ending the other, weighted clusters, the idle timeout, a
 * failing upstream closing the client's connection, and flow control in both directions: a peer
 * that stops reading stalls the sender instead of filling the proxy's memory.
 *
 * <p>Every test starts its own proxy from a whole bootstrap with one listener, {@value #LISTENER},
 * and its own raw TCP backends.
 */
@Timeout(60)
final class TcpProxyTest {
  private static final String LISTENER = "tcp";
  /** The test's own socket buffers in the flow-control tests: the kernel's share of a stalled stream stays small. */
  private static final int SMALL_BUFFER = 64 * 1024;
  private static final long FLOW_CONTROL_BYTES = 64 * Streams.MIB;
  /**
   * What the proxy may hold of a stalled stream in its own memory. Envoy's default
   * per_connection_buffer_limit_bytes is 1 MiB; a Netty relay that reads again only after a write
   * completed holds one read (at most 64 KiB) plus the outbound channel's high-water mark. The
   * limit leaves room for any reasonable design and none for buffering the whole stream.
   */
  private static final long PROXY_BUFFER_LIMIT = 8 * Streams.MIB;
  private static final Duration STALL = Duration.ofMillis(500);

  @TempDir
  Path dir;
  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "tcp-proxy-test");
    t.setDaemon(true);
    return t;
  });

  @AfterEach
  void closeAll() throws Exception {
    threads.shutdownNow();
    while (!toClose.isEmpty()) {
      toClose.pop().close();
    }
  }

  @Test
  void bytesAreRelayedUnchangedBothWaysOnConcurrentConnections() throws Exception {
    TcpBackend echo = backend("echo", TcpProxyTest::echo);
    ProxyFixture proxy = proxy(L4Yaml.tcpProxy("relay", "echo"), L4Yaml.cluster("echo", echo.port()));
    int connections = 4;
    int size = 4 * (int) Streams.MIB;

    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      int seed = i;
      results.add(threads.submit(() -> {
        byte[] sent = new byte[size];
        new Random(seed).nextBytes(sent);
        try (Socket c = connect(proxy)) {
          // Written and read at once: the echo sends back while the client is still sending.
          Future<?> writer = threads.submit(() -> {
            c.getOutputStream().write(sent);
            return null;
          });
          byte[] back = c.getInputStream().readNBytes(size);
          writer.get(30, TimeUnit.SECONDS);
          int differsAt = Arrays.mismatch(sent, back);
          return differsAt < 0 ? "same"
              : "connection " + seed + ": " + back.length + " bytes back, first difference at " + differsAt;
        }
      }));
    }
    for (Future<String> result : results) {
      assertThat(result.get(40, TimeUnit.SECONDS)).isEqualTo("same");
    }

    // The clients closed their connections: the proxy closes the upstream ones too.
    Await.until("the backend's connections are closed", Await.DEFAULT_TIMEOUT, () -> echo.ended() == connections,
        () -> "(" + echo.ended() + " of " + connections + " ended)");
    proxy.awaitCounter("tcp.relay.downstream_cx_total", connections);
    assertThat(proxy.counter("tcp.relay.downstream_cx_total")).isEqualTo(connections);
    assertThat(proxy.counter("cluster.echo.upstream_cx_total")).isEqualTo(connections);
    Await.until("byte counters include every connection", () -> proxy.counter("tcp.relay.downstream_cx_tx_bytes_total")
        == (long) connections * size);
    assertThat(proxy.counter("tcp.relay.downstream_cx_rx_bytes_total")).isEqualTo((long) connections * size);
    assertThat(echo.accepted()).isEqualTo(connections);
  }

  @Test
  void aClientThatShutsItsOutputStillReceivesTheWholeAnswer() throws Exception {
    CompletableFuture<Checksum> backendSaw = new CompletableFuture<>();
    TcpBackend backend = backend("answers-after-eof", s -> {
      Checksum got = Streams.readToEnd(s.getInputStream());
      backendSaw.complete(got);
      // The answer goes out only after the request's EOF, as with a request/response protocol
      // whose requests end with the connection's write side.
      Streams.writeText(s.getOutputStream(), "received " + got + "\n");
    });
    ProxyFixture proxy = proxy(L4Yaml.tcpProxy("half", "backend"), L4Yaml.cluster("backend", backend.port()));

    try (Socket c = connect(proxy)) {
      Checksum sent = Streams.writePattern(c.getOutputStream(), Streams.MIB, new AtomicLong());
      c.shutdownOutput();
      assertThat(backendSaw.get(10, TimeUnit.SECONDS)).as("the backend read everything up to an EOF").isEqualTo(sent);
      assertThat(Streams.readText(c.getInputStream()))
          .as("the client's read side stays open after its FIN, until the backend's answer and FIN")
          .isEqualTo("received " + sent + "\n");
    }
    assertThat(backend.failures()).isEmpty();
  }

  @Test
  void aBackendThatShutsItsOutputFirstStillReceivesWhatTheClientSendsAfterwards() throws Exception {
    CompletableFuture<String> backendGot = new CompletableFuture<>();
    TcpBackend backend = backend("speaks-first", s -> {
      Streams.writeText(s.getOutputStream(), "greeting from the backend\n");
      s.shutdownOutput();
      backendGot.complete(Streams.readText(s.getInputStream()));
    });
    ProxyFixture proxy = proxy(L4Yaml.tcpProxy("half", "backend"), L4Yaml.cluster("backend", backend.port()));

    try (Socket c = connect(proxy)) {
      // The client sends nothing first: the proxy connects upstream on accept, as Envoy does.
      assertThat(Streams.readText(c.getInputStream())).as("the greeting, then the backend's FIN")
          .isEqualTo("greeting from the backend\n");
      Streams.writeText(c.getOutputStream(), "written after the backend's FIN\n");
      c.shutdownOutput();
      assertThat(backendGot.get(10, TimeUnit.SECONDS)).as("what the backend read after its own FIN")
          .isEqualTo("written after the backend's FIN\n");
    }
    Await.until("the backend's connection is closed", () -> backend.ended() == 1);
    assertThat(backend.failures()).isEmpty();
  }

  @Test
  void everythingTheBackendWroteBeforeClosingReachesASlowClient() throws Exception {
    long size = 4 * Streams.MIB;
    AtomicLong written = new AtomicLong();
    CompletableFuture<Checksum> sent = new CompletableFuture<>();
    TcpBackend backend = backend("writes-and-closes", s -> {
      sent.complete(Streams.writePattern(s.getOutputStream(), size, written));
      // and closes at once: the end of the stream is queued behind the data the proxy has not delivered
    });
    ProxyFixture proxy = proxy(L4Yaml.tcpProxy("flush", "backend"), L4Yaml.cluster("backend", backend.port()));

    try (Socket c = new Socket()) {
      c.setReceiveBufferSize(16 * 1024);
      c.setSoTimeout(10_000);
      c.connect(proxy.address(LISTENER), 5_000);
      // Read nothing until the backend has closed, or cannot write more: either way the proxy holds
      // data for a client whose window is full when it learns of the upstream's end.
      long[] last = {-1, 0};
      Await.until("the backend has closed or stalled", Await.DEFAULT_TIMEOUT,
          () -> backend.ended() == 1 || quietFor(written, last, Duration.ofMillis(300)),
          () -> written + " bytes written");
      Checksum got = Streams.readToEnd(c.getInputStream());
      assertThat(got).as("what the client read up to the end of the stream").isEqualTo(sent.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aClientResetClosesTheUpstreamConnection() throws Exception {
    CompletableFuture<String> backendSaw = new CompletableFuture<>();
    TcpBackend backend = backend("watches", s -> {
      Streams.writeText(s.getOutputStream(), "ready\n");
      try {
        backendSaw.complete("eof after " + Streams.readToEnd(s.getInputStream()));
      } catch (IOException e) {
        backendSaw.complete("reset: " + e);
      }
    });
    ProxyFixture proxy = proxy(L4Yaml.tcpProxy("reset", "backend"), L4Yaml.cluster("backend", backend.port()));

    try (Socket c = connect(proxy)) {
      assertThat(Streams.readLine(c.getInputStream())).isEqualTo("ready");
      c.setSoLinger(true, 0); // close() sends RST
    }
    assertThat(backendSaw.get(10, TimeUnit.SECONDS)).as("how the upstream connection ended").matches("(eof|reset).*");
  }

  @Test
  void aBackendResetClosesTheClientConnection() throws Exception {
    TcpBackend backend = backend("resets", s -> {
      Streams.writeText(s.getOutputStream(), "about to reset\n");
      Streams.readLine(s.getInputStream());
      s.setSoLinger(true, 0); // the close after this session sends RST
    });
    ProxyFixture proxy = proxy(L4Yaml.tcpProxy("reset", "backend"), L4Yaml.cluster("backend", backend.port()));

    try (Socket c = connect(proxy)) {
      assertThat(Streams.readLine(c.getInputStream())).isEqualTo("about to reset");
      Streams.writeText(c.getOutputStream(), "go\n");
      assertThat(Streams.awaitPeerClose(c)).as("how the client's connection ended").isIn("eof", "reset");
    }
  }

  @Test
  void weightedClustersSplitConnectionsByWeight() throws Exception {
    TcpBackend one = backend("one", s -> Streams.writeText(s.getOutputStream(), "one\n"));
    TcpBackend three = backend("three", s -> Streams.writeText(s.getOutputStream(), "three\n"));
    ProxyFixture proxy = proxy(
        L4Yaml.tcpProxyWith("stat_prefix: split, weighted_clusters: { clusters: [ "
            + "{ name: one, weight: 1 }, { name: three, weight: 3 } ] }"),
        L4Yaml.cluster("one", one.port()), L4Yaml.cluster("three", three.port()));
    int workers = 8;
    int perWorker = 50;
    int total = workers * perWorker;

    Map<String, Integer> picked = new ConcurrentHashMap<>();
    List<Future<?>> runs = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      runs.add(threads.submit(() -> {
        for (int i = 0; i < perWorker; i++) {
          try (Socket c = connect(proxy)) {
            // The backend writes its name and closes: the proxy flushes it, then closes the client.
            picked.merge(Streams.readText(c.getInputStream()).strip(), 1, Integer::sum);
          }
        }
        return null;
      }));
    }
    for (Future<?> run : runs) {
      run.get(40, TimeUnit.SECONDS);
    }

    assertThat(picked.keySet()).containsOnly("one", "three");
    assertThat(picked.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(total);
    // 1:3 is 25 %; over 400 draws one standard deviation is about 2.2 points.
    double oneShare = picked.getOrDefault("one", 0) * 100.0 / total;
    assertThat(oneShare).as("percentage of connections to 'one' (weight 1 of 4): %s", picked).isBetween(17.0, 33.0);
    proxy.awaitCounter("tcp.split.downstream_cx_total", total);
    assertThat(proxy.counter("cluster.one.upstream_cx_total")).isEqualTo(picked.get("one").longValue());
    assertThat(proxy.counter("cluster.three.upstream_cx_total")).isEqualTo(picked.get("three").longValue());
  }

  @Test
  void anIdleConnectionIsClosedAfterIdleTimeoutAndCounted() throws Exception {
    TcpBackend echo = backend("echo", TcpProxyTest::echo);
    ProxyFixture proxy = proxy(L4Yaml.tcpProxyWith("stat_prefix: idle, cluster: echo, idle_timeout: 1s"),
        L4Yaml.cluster("echo", echo.port()));

    try (Socket c = connect(proxy)) {
      Streams.writeText(c.getOutputStream(), "ping\n");
      assertThat(Streams.readLine(c.getInputStream())).isEqualTo("ping");
      long idleSince = System.nanoTime();
      assertThat(Streams.awaitPeerClose(c)).as("the proxy closes the idle connection").isIn("eof", "reset");
      long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleSince);
      // A lower bound only: closing early would be a bug; how late is the scheduler's business.
      assertThat(idleMillis).as("ms idle before the close").isGreaterThanOrEqualTo(750);
    }
    Await.until("the upstream connection is closed too", () -> echo.ended() == 1);
    proxy.awaitCounter("tcp.idle.idle_timeout", 1);
    assertThat(proxy.counter("tcp.idle.idle_timeout")).isEqualTo(1);
  }

  @Test
  void trafficKeepsAConnectionFromTheIdleTimeout() throws Exception {
    TcpBackend echo = backend("echo", TcpProxyTest::echo);
    ProxyFixture proxy = proxy(L4Yaml.tcpProxyWith("stat_prefix: busy, cluster: echo, idle_timeout: 1s"),
        L4Yaml.cluster("echo", echo.port()));

    long start = System.nanoTime();
    try (Socket c = connect(proxy)) {
      // Pacing, not waiting for a condition: one exchange every 250 ms for three idle timeouts.
      for (int i = 0; i < 12; i++) {
        Streams.writeText(c.getOutputStream(), "tick " + i + "\n");
        assertThat(Streams.readLine(c.getInputStream())).isEqualTo("tick " + i);
        LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
      }
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(2));
    assertThat(proxy.counter("tcp.busy.idle_timeout")).isZero();
  }

  @Test
  void aClusterWithoutEndpointsClosesTheClientConnection() throws Exception {
    ProxyFixture proxy = proxy(L4Yaml.tcpProxy("nowhere", "empty"), L4Yaml.cluster("empty"));

    try (Socket c = connect(proxy)) {
      assertThat(Streams.awaitPeerClose(c)).as("how the connection ended").isIn("eof", "reset");
    }
    proxy.awaitCounter("tcp.nowhere.downstream_cx_total", 1);
    // Envoy's tcp_proxy counts "no healthy upstream" on the cluster (tcpConnPoolForCluster).
    proxy.awaitCounter("cluster.empty.upstream_cx_none_healthy", 1);
  }

  @Test
  void anUpstreamThatRefusesClosesTheClientConnection() throws Exception {
    ProxyFixture proxy = proxy(L4Yaml.tcpProxy("refused", "refusing"), L4Yaml.cluster("refusing", Ports.closed()));

    try (Socket c = connect(proxy)) {
      assertThat(Streams.awaitPeerClose(c)).as("how the connection ended").isIn("eof", "reset");
    }
    proxy.awaitCounter("tcp.refused.downstream_cx_total", 1);
    proxy.awaitCounter("cluster.refusing.upstream_cx_connect_fail", 1);
  }

  @Test
  void aBackendThatStopsReadingStallsTheClientInsteadOfFillingTheProxy() throws Exception {
    CountDownLatch drain = new CountDownLatch(1);
    CompletableFuture<Integer> proxySidePort = new CompletableFuture<>();
    CompletableFuture<Checksum> received = new CompletableFuture<>();
    TcpBackend slow = backend("stops-reading", SMALL_BUFFER, s -> {
      proxySidePort.complete(s.getPort());
      drain.await();
      received.complete(Streams.readExactly(s.getInputStream(), FLOW_CONTROL_BYTES, new AtomicLong()));
    });
    ProxyFixture proxy = proxy(L4Yaml.tcpProxy("upload", "slow"), L4Yaml.cluster("slow", slow.port()));

    try (Socket c = new Socket()) {
      c.setSendBufferSize(SMALL_BUFFER);
      c.setSoTimeout(10_000);
      c.connect(proxy.address(LISTENER), 5_000);
      AtomicLong written = new AtomicLong();
      Future<Checksum> writer =
          threads.submit(() -> Streams.writePattern(c.getOutputStream(), FLOW_CONTROL_BYTES, written));
      int upstreamLocalPort = proxySidePort.get(10, TimeUnit.SECONDS);

      long stalledAt = awaitStall("the client's upload to a backend that reads nothing", written, writer);
      assertProxyHoldsLittle("upload", stalledAt, c.getLocalPort(), c.getPort(), upstreamLocalPort, slow.port());

      drain.countDown();
      Checksum sent = writer.get(30, TimeUnit.SECONDS);
      assertThat(received.get(30, TimeUnit.SECONDS)).as("what the backend received once it read").isEqualTo(sent);
    }
  }

  @Test
  void aClientThatStopsReadingStallsTheBackendInsteadOfFillingTheProxy() throws Exception {
    CompletableFuture<Integer> proxySidePort = new CompletableFuture<>();
    AtomicLong written = new AtomicLong();
    CompletableFuture<Checksum> sent = new CompletableFuture<>();
    TcpBackend firehose = backend("firehose", s -> {
      s.setSendBufferSize(SMALL_BUFFER);
      proxySidePort.complete(s.getPort());
      sent.complete(Streams.writePattern(s.getOutputStream(), FLOW_CONTROL_BYTES, written));
      Streams.readToEnd(s.getInputStream()); // until the proxy closes the connection
    });
    ProxyFixture proxy = proxy(L4Yaml.tcpProxy("download", "firehose"), L4Yaml.cluster("firehose", firehose.port()));

    try (Socket c = new Socket()) {
      c.setReceiveBufferSize(SMALL_BUFFER); // before connect: the window scale is fixed by the SYN
      c.setSoTimeout(10_000);
      c.connect(proxy.address(LISTENER), 5_000);
      int upstreamLocalPort = proxySidePort.get(10, TimeUnit.SECONDS);

      long stalledAt = awaitStall("the backend's download to a client that reads nothing", written, sent);
      assertProxyHoldsLittle("download", stalledAt, c.getLocalPort(), c.getPort(), upstreamLocalPort,
          firehose.port());

      Checksum got = Streams.readExactly(c.getInputStream(), FLOW_CONTROL_BYTES, new AtomicLong());
      assertThat(got).as("what the client received once it read").isEqualTo(sent.get(30, TimeUnit.SECONDS));
    }
  }

  /**
   * Returns the progress once it has not moved for {@link #STALL}; fails if the transfer completes
   * instead, which means the proxy took the whole stream while its receiver read nothing.
   */
  private static long awaitStall(String what, AtomicLong progress, Future<?> transfer) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long[] last = {-1, 0};
    while (!quietFor(progress, last, STALL)) {
      if (transfer.isDone()) {
        String outcome;
        try {
          outcome = "completed with " + transfer.get();
        } catch (ExecutionException e) {
          outcome = "failed: " + e.getCause();
        }
        fail(what + " never stalled: it " + outcome + " after " + progress.get()
            + " bytes; the proxy kept reading although it could not write");
      }
      if (System.nanoTime() - deadline > 0) {
        fail(what + " still moving after 30 s (" + progress.get() + " bytes)");
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    return last[0];
  }

  /**
   * Whether {@code progress} is above 0 and has not moved for {@code quiet}; {@code last} holds the
   * value and the time it was first seen between calls, {-1, 0} to begin.
   */
  private static boolean quietFor(AtomicLong progress, long[] last, Duration quiet) {
    long now = System.nanoTime();
    long value = progress.get();
    if (last[0] != value) {
      last[0] = value;
      last[1] = now;
      return false;
    }
    return value > 0 && now - last[1] >= quiet.toNanos();
  }

  /**
   * With the sender stalled and the receiver having read nothing, everything written is either in
   * the kernel's queues of the two connections or in the proxy's memory; the second must be small.
   */
  private static void assertProxyHoldsLittle(String direction, long written, int clientPort, int listenerPort,
      int upstreamLocalPort, int backendPort) {
    String summary = direction + ": sender stalled after " + written / 1024 + " KiB of " + FLOW_CONTROL_BYTES / 1024
        + " KiB";
    assertThat(written).as(summary).isLessThan(FLOW_CONTROL_BYTES);
    if (!SocketQueues.available()) {
      System.out.println(summary + " (no /proc/net/tcp: the proxy's own share is not measured)");
      return;
    }
    SocketQueues queues = SocketQueues.read();
    long inKernel = queues.connection(clientPort, listenerPort) + queues.connection(upstreamLocalPort, backendPort);
    long inProxy = written - inKernel;
    // A write blocked part-way counts only once complete: the estimate is good to one chunk.
    System.out.println(summary + ", " + inKernel / 1024 + " KiB in kernel socket queues, about " + inProxy / 1024
        + " KiB (+/- " + Streams.CHUNK / 1024 + ") held by the proxy");
    assertThat(inProxy).as(summary + "; bytes the proxy holds itself (written minus kernel queues of %d KiB)",
        inKernel / 1024).isLessThan(PROXY_BUFFER_LIMIT);
  }

  /** Sends back what it reads until the end of the stream. */
  private static void echo(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    byte[] buf = new byte[64 * 1024];
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, n);
    }
  }

  private TcpBackend backend(String name, TcpBackend.Session session) {
    return backend(name, 0, session);
  }

  private TcpBackend backend(String name, int receiveBuffer, TcpBackend.Session session) {
    TcpBackend backend = TcpBackend.start(name, receiveBuffer, session);
    toClose.push(backend);
    return backend;
  }

  /** The proxy with listener {@value #LISTENER} running {@code tcpProxyFilter}, and {@code clusters}. */
  private ProxyFixture proxy(String tcpProxyFilter, String... clusters) {
    String yaml = L4Yaml.ADMIN
        + "static_resources:\n"
        + "  listeners:\n"
        + "  - name: " + LISTENER + "\n"
        + "    address: { socket_address: { address: 127.0.0.1, port_value: 0 } }\n"
        + "    filter_chains:\n"
        + "    - filters:\n"
        + L4Yaml.indent(tcpProxyFilter, 6)
        + "  clusters:\n"
        + L4Yaml.indent(String.join("\n", clusters), 2);
    ProxyFixture proxy = ProxyFixture.fromBootstrap(yaml, dir, "unused");
    toClose.push(proxy);
    return proxy;
  }

  private static Socket connect(ProxyFixture proxy) throws IOException {
    Socket s = new Socket();
    try {
      s.setSoTimeout(10_000);
      s.connect(proxy.address(LISTENER), 5_000);
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }
}
