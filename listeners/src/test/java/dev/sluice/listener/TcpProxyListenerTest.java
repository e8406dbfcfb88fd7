package dev.sluice.listener;

import static dev.sluice.listener.Fixtures.chain;
import static dev.sluice.listener.Fixtures.clientContext;
import static dev.sluice.listener.Fixtures.leaf;
import static dev.sluice.listener.Fixtures.listener;
import static dev.sluice.listener.Fixtures.listenerStat;
import static dev.sluice.listener.Fixtures.readAll;
import static dev.sluice.listener.Fixtures.serverNames;
import static dev.sluice.listener.Fixtures.tlsConnect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.FilterChainMatchConfig;
import dev.sluice.config.TcpProxyConfig;
import dev.sluice.tls.TestPki;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The TCP proxy between real sockets: relay, half-close, backpressure, TLS passthrough by SNI. */
class TcpProxyListenerTest extends ListenerTestBase {
  /** Threads for the tests' blocking socket I/O: the common pool may have a single thread. */
  private final ExecutorService io = Executors.newCachedThreadPool();

  @AfterEach
  void stopIo() {
    io.shutdownNow();
  }

  private static FilterChainConfig tcp(String name, String cluster) {
    return new FilterChainConfig(name, TcpProxyConfig.to(name, cluster));
  }

  @Test
  void relaysAndHalfClosesEachDirection() throws Exception {
    // The backend reads to EOF (the client's shutdownOutput, passed on), then still answers.
    try (Backend backend = Backend.plain(socket -> {
      byte[] request = readAll(socket.getInputStream());
      socket.getOutputStream().write(("got:" + new String(request, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    })) {
      clusters(Map.of("echo", backend.port()));
      int port = bind(listener("tcp", 0, false, tcp("tcp", "echo")));
      try (Socket client = new Socket("127.0.0.1", port)) {
        client.setSoTimeout(5000);
        client.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
        client.shutdownOutput();
        assertThat(new String(readAll(client.getInputStream()), StandardCharsets.UTF_8)).isEqualTo("got:hello");
      }
      Fixtures.await(() -> counter("tcp.tcp.downstream_cx_tx_bytes_total") == 9);
      assertThat(counter("tcp.tcp.downstream_cx_total")).isEqualTo(1);
      assertThat(counter("tcp.tcp.downstream_cx_rx_bytes_total")).isEqualTo(5);
      assertThat(counter("cluster.echo.upstream_cx_total")).isEqualTo(1);
    }
  }

  @Test
  void aClientThatSentItsFinReceivesALongAnswerInFull() throws Exception {
    // The answer starts after the client's FIN and is far larger than the socket buffers, which is
    // what the relay transport choice (Transport.forRelays) is for on epoll.
    byte[] answer = new byte[32 << 20];
    new SplittableRandom(5).nextBytes(answer);
    try (Backend backend = Backend.plain(socket -> {
      readAll(socket.getInputStream());
      socket.getOutputStream().write(answer);
      socket.shutdownOutput();
    })) {
      clusters(Map.of("answer", backend.port()));
      int port = bind(listener("late", 0, false, tcp("late", "answer")));
      try (Socket client = new Socket("127.0.0.1", port)) {
        client.setSoTimeout(10_000);
        client.getOutputStream().write("question".getBytes(StandardCharsets.UTF_8));
        client.shutdownOutput();
        byte[] received = readAll(client.getInputStream());
        assertThat(received.length).isEqualTo(answer.length);
        assertThat(MessageDigest.getInstance("SHA-256").digest(received))
            .isEqualTo(MessageDigest.getInstance("SHA-256").digest(answer));
      }
    }
  }

  @Test
  void streamsABulkTransferBothWaysWithBackpressure() throws Exception {
    try (Backend backend = Backend.plain(socket -> {
      socket.getInputStream().transferTo(socket.getOutputStream());
      socket.shutdownOutput();
    })) {
      clusters(Map.of("echo", backend.port()));
      int port = bind(listener("bulk", 0, false, tcp("bulk", "echo")));
      byte[] payload = new byte[16 << 20];
      new SplittableRandom(3).nextBytes(payload);
      try (Socket client = new Socket("127.0.0.1", port)) {
        client.setSoTimeout(10_000);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
          try {
            OutputStream out = client.getOutputStream();
            for (int i = 0; i < payload.length; i += 64 * 1024) {
              out.write(payload, i, Math.min(64 * 1024, payload.length - i));
            }
            client.shutdownOutput();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, io);
        byte[] echoed = readAll(client.getInputStream());
        writer.get(10, TimeUnit.SECONDS);
        assertThat(echoed.length).isEqualTo(payload.length);
        assertThat(MessageDigest.getInstance("SHA-256").digest(echoed))
            .isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
      }
    }
  }

  @Test
  void passesTlsThroughBySniToTwoTlsBackends() throws Exception {
    TestPki.Issued a = leaf("backend-a", List.of(), List.of("a.example.com"));
    TestPki.Issued b = leaf("backend-b", List.of(), List.of("b.example.com"));
    Backend.Session answer = socket -> {
      String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
      socket.getOutputStream().write((line + " from " + ((javax.net.ssl.SSLSocket) socket).getSession()
          .getLocalCertificates().length + "\n").getBytes(StandardCharsets.UTF_8));
    };
    try (Backend backendA = Backend.tls(a, answer); Backend backendB = Backend.tls(b, answer)) {
      clusters(Map.of("a", backendA.port(), "b", backendB.port()));
      // No TLS context on either chain: the ClientHello the inspector read goes upstream untouched.
      int port = bind(listener("passthrough", 0, true,
          chain("a", serverNames("a.example.com"), null, TcpProxyConfig.to("a", "a")),
          chain("b", serverNames("b.example.com"), null, TcpProxyConfig.to("b", "b"))));
      for (TestPki.Issued backend : List.of(a, b)) {
        String name = backend == a ? "a.example.com" : "b.example.com";
        try (SSLSocket s = tlsConnect(clientContext(null), port, name)) {
          assertThat(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber())
              .isEqualTo(backend.serial());
          s.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
          String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
          assertThat(reply).startsWith("ping from");
        }
      }
      assertThatThrownBy(() -> tlsConnect(clientContext(null), port, "c.example.com").close())
          .isInstanceOf(IOException.class);
      Fixtures.await(() -> counter(listenerStat(0, "no_filter_chain_match")) == 1);
      assertThat(counter("tcp.a.downstream_cx_total")).isEqualTo(1);
      assertThat(counter("tcp.b.downstream_cx_total")).isEqualTo(1);
    }
  }

  @Test
  void terminatesTlsAndRelaysPlaintextToTheBackend() throws Exception {
    TestPki.Issued server = leaf("tcp-tls", List.of(), List.of("tcp.example.com"));
    try (Backend backend = Backend.plain(socket -> {
      String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
      socket.getOutputStream().write(("plaintext " + line + "\n").getBytes(StandardCharsets.UTF_8));
    })) {
      clusters(Map.of("plain", backend.port()));
      int port = bind(listener("terminate", 0, false,
          chain("tls", FilterChainMatchConfig.ANY, Fixtures.server(server), TcpProxyConfig.to("terminate", "plain"))));
      try (SSLSocket s = tlsConnect(clientContext(null), port, null)) {
        assertThat(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber())
            .isEqualTo(server.serial());
        s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
        String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertThat(reply).isEqualTo("plaintext hello");
      }
      assertThat(counter(listenerStat(0, "ssl.handshake"))).isEqualTo(1);
    }
  }

  @Test
  void unknownClusterClosesTheConnectionAndCounts() throws Exception {
    int port = bind(listener("lost", 0, false, tcp("lost", "nowhere")));
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(5000);
      assertThat(client.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(counter("tcp.lost.downstream_cx_no_route")).isEqualTo(1);
  }

  @Test
  void refusedUpstreamConnectClosesTheConnectionAndCounts() throws Exception {
    int closedPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    clusters(Map.of("down", closedPort));
    int port = bind(listener("down", 0, false, tcp("down", "down")));
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setSoTimeout(5000);
      client.getOutputStream().write("early bytes".getBytes(StandardCharsets.UTF_8));
      // Closing with the client's bytes unread makes the kernel answer with a reset rather than a FIN.
      try {
        assertThat(client.getInputStream().read()).isEqualTo(-1);
      } catch (java.net.SocketException reset) {
        assertThat(reset.getMessage()).contains("reset");
      }
    }
    Fixtures.await(() -> counter("cluster.down.upstream_cx_connect_fail") == 1);
  }

  @Test
  void idleConnectionsAreClosed() throws Exception {
    try (Backend backend = Backend.plain(socket -> readAll(socket.getInputStream()))) {
      clusters(Map.of("quiet", backend.port()));
      int port = bind(listener("idle", 0, false, new FilterChainConfig("idle", FilterChainMatchConfig.ANY, null,
          new TcpProxyConfig("idle", List.of(new TcpProxyConfig.WeightedCluster("quiet", 1)), Duration.ofMillis(300)))));
      try (Socket client = new Socket("127.0.0.1", port)) {
        client.setSoTimeout(5000);
        assertThat(client.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(counter("tcp.idle.idle_timeout")).isEqualTo(1);
    }
  }
}
