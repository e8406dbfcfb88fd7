package dev.sluice.conformance.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw TCP proxying of a 1 GiB stream in each direction at the same time through
 * {@code envoy.filters.network.tcp_proxy} in a proxy process whose heap and direct memory are
 * capped at 64 MB: the CRC32 of what each end sent equals the CRC32 of what the other end
 * received, and the process is alive and serving afterwards, its admin /stats showing the
 * connection while it is open.
 */
final class TcpProxyProcessTest {
  private static final long SIZE = 1024 * Payload.MIB;
  /** -Xmx also caps direct memory (MaxDirectMemorySize defaults to it); both said explicitly. */
  private static final List<String> SMALL_HEAP = List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m");
  /** The client pauses here to read the stats while the connection is open (both senders then stall). */
  private static final long STATS_CHECKPOINT = 64 * Payload.MIB;
  private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(90);

  @TempDir
  Path dir;

  @Test
  @Timeout(120)
  void oneGibibyteEachWayAtOnceThroughA64MegabyteProxy() throws Exception {
    ExecutorService threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "tcp-proxy-process-test");
      t.setDaemon(true);
      return t;
    });
    try (BulkBackend backend = BulkBackend.start(threads);
        SluiceProcess proxy = SluiceProcess.start(dir, SMALL_HEAP, "run", "-c", bootstrap(backend.port()).toString());
        Socket client = new Socket()) {
      int port = proxy.listenerPort("tcp");
      client.setSoTimeout((int) TRANSFER_TIMEOUT.toMillis());
      long start = System.nanoTime();
      client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);

      Future<Transfer> upload = threads.submit(() -> send(client.getOutputStream(), SIZE));
      Transfer downloaded = receive(client.getInputStream(), SIZE, () -> {
        // Mid-transfer: the connection is open and counted.
        Map<String, Long> stats = stats(proxy);
        assertThat(stats).as("/stats while the connection is open")
            .containsEntry("tcp.bulk.downstream_cx_total", 1L)
            .containsEntry("cluster.backend.upstream_cx_total", 1L)
            .containsEntry("cluster.backend.upstream_cx_active", 1L);
        assertThat(listenerGauge(stats, "downstream_cx_active")).as("listener downstream_cx_active").isEqualTo(1L);
      });
      Transfer uploaded = upload.get(TRANSFER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Transfer backendReceived = backend.received().get(TRANSFER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Transfer backendSent = backend.sent().get(TRANSFER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;

      System.out.printf("tcp_proxy through a -Xmx64m process: %d MiB up and %d MiB down at once in %.1f s"
          + " (%.0f MiB/s each way)%n", SIZE / Payload.MIB, SIZE / Payload.MIB, seconds, SIZE / Payload.MIB / seconds);
      assertThat(backendReceived).as("client -> backend").isEqualTo(uploaded);
      assertThat(downloaded).as("backend -> client").isEqualTo(backendSent);
      assertThat(uploaded.crc32()).isEqualTo(downloaded.crc32()); // both ends sent the same Payload

      client.close(); // the backend closes its end once both directions are done
      Await.until("the listener's active connection gauge is back to 0", Duration.ofSeconds(10),
          () -> listenerGauge(stats(proxy), "downstream_cx_active") == 0L);
      Map<String, Long> after = stats(proxy);
      System.out.println("tcp_proxy stats: " + filter(after, "tcp.bulk."));
      assertThat(after).containsEntry("tcp.bulk.downstream_cx_total", 1L)
          .containsEntry("cluster.backend.upstream_cx_total", 1L)
          .containsEntry("tcp.bulk.downstream_cx_rx_bytes_total", SIZE)
          .containsEntry("tcp.bulk.downstream_cx_tx_bytes_total", SIZE);
      assertThat(proxy.isAlive()).isTrue();
      assertThat(proxy.adminGet("/ready")).isEqualTo("LIVE\n");
      assertThat(proxy.stderr()).doesNotContain("OutOfMemoryError").doesNotContain("LEAK:");
    } finally {
      threads.shutdownNow();
    }
  }

  private Path bootstrap(int backendPort) throws IOException {
    String yaml = """
        admin:
          address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
        static_resources:
          listeners:
          - name: tcp
            address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
            filter_chains:
            - filters:
              - name: envoy.filters.network.tcp_proxy
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                  stat_prefix: bulk
                  cluster: backend
          clusters:
          - name: backend
            type: STATIC
            connect_timeout: 1s
            load_assignment:
              cluster_name: backend
              endpoints:
              - lb_endpoints:
                - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
        """.formatted(backendPort);
    return Files.writeString(dir.resolve("tcp-proxy.yaml"), yaml, StandardCharsets.UTF_8);
  }

  /** Bytes and CRC32 of one direction as one end saw it. */
  record Transfer(long bytes, long crc32) {}

  /** Writes {@code size} bytes of {@link Payload}. */
  private static Transfer send(OutputStream out, long size) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buf = new byte[64 * 1024];
    long sent = 0;
    try (InputStream payload = Payload.stream(size)) {
      int n;
      while ((n = payload.read(buf, 0, buf.length)) > 0) {
        out.write(buf, 0, n);
        crc.update(buf, 0, n);
        sent += n;
      }
    }
    out.flush();
    return new Transfer(sent, crc.getValue());
  }

  /**
   * Reads exactly {@code size} bytes (neither end relies on half-close here), running
   * {@code checkpoint} once on the way.
   */
  private static Transfer receive(InputStream in, long size, Runnable checkpoint) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buf = new byte[64 * 1024];
    long received = 0;
    boolean checked = checkpoint == null;
    while (received < size) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, size - received));
      if (n < 0) {
        throw new EOFException("end of stream after " + received + " of " + size + " bytes");
      }
      crc.update(buf, 0, n);
      received += n;
      if (!checked && received >= STATS_CHECKPOINT) {
        checked = true;
        checkpoint.run();
      }
    }
    return new Transfer(received, crc.getValue());
  }

  private static Map<String, Long> stats(SluiceProcess proxy) {
    Map<String, Long> stats = new LinkedHashMap<>();
    for (String line : proxy.adminGet("/stats").split("\n")) {
      int colon = line.lastIndexOf(": ");
      if (colon > 0) {
        try {
          stats.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 2).strip()));
        } catch (NumberFormatException e) {
          // histograms: not needed here
        }
      }
    }
    return stats;
  }

  /**
   * A stat of the one listener, named as Envoy names it after the configured address
   * ({@code listener.127.0.0.1_0.} for port_value 0); -1 if absent.
   */
  private static long listenerGauge(Map<String, Long> stats, String name) {
    return stats.getOrDefault("listener.127.0.0.1_0." + name, -1L);
  }

  private static Map<String, Long> filter(Map<String, Long> stats, String prefix) {
    Map<String, Long> out = new LinkedHashMap<>();
    stats.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k, v);
      }
    });
    return out;
  }

  /**
   * The upstream: for its one connection, reads {@link #SIZE} bytes with a CRC32 and, at the same
   * time, writes {@link #SIZE} bytes of {@link Payload}.
   */
  private static final class BulkBackend implements AutoCloseable {
    private final ServerSocket server;
    private final CompletableFuture<Transfer> received = new CompletableFuture<>();
    private final CompletableFuture<Transfer> sent = new CompletableFuture<>();
    private volatile Socket connection;

    private BulkBackend(ServerSocket server) {
      this.server = server;
    }

    static BulkBackend start(ExecutorService threads) {
      try {
        BulkBackend backend = new BulkBackend(new ServerSocket(0, 8, InetAddress.getLoopbackAddress()));
        threads.execute(() -> backend.serve(threads));
        return backend;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void serve(ExecutorService threads) {
      try {
        Socket s = server.accept();
        connection = s;
        s.setSoTimeout((int) TRANSFER_TIMEOUT.toMillis());
        threads.execute(() -> complete(sent, () -> send(s.getOutputStream(), SIZE)));
        complete(received, () -> receive(s.getInputStream(), SIZE, null));
        // Both directions done: the backend ends the connection from its side as well. (The
        // client's close alone leaves it half-open, the backend -> client direction still up,
        // for as long as the backend keeps it: tcp_proxy relays each direction's end on its own.)
        sent.handle((t, e) -> null).join();
        s.close();
      } catch (IOException e) {
        received.completeExceptionally(e);
        sent.completeExceptionally(e);
      }
    }

    private interface Io {
      Transfer run() throws IOException;
    }

    private static void complete(CompletableFuture<Transfer> future, Io io) {
      try {
        future.complete(io.run());
      } catch (IOException | RuntimeException e) {
        future.completeExceptionally(e);
      }
    }

    int port() {
      return server.getLocalPort();
    }

    CompletableFuture<Transfer> received() {
      return received;
    }

    CompletableFuture<Transfer> sent() {
      return sent;
    }

    @Override
    public void close() throws IOException {
      server.close();
      Socket s = connection;
      if (s != null) {
        s.close();
      }
    }
  }
}
