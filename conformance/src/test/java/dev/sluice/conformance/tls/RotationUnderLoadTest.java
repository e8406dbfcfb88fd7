package dev.sluice.conformance.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.conformance.support.Await;
import dev.sluice.conformance.support.ProxyFixture;
import dev.sluice.conformance.support.RawHttpConnection;
import dev.sluice.conformance.support.TestBackend;
import dev.sluice.conformance.support.TlsClients;
import dev.sluice.tls.TestPki;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate files replaced while clients keep opening TLS connections and a keep-alive
 * connection keeps sending requests: no request fails, new connections see the new serial, and the
 * connection opened before the rotation carries on with the old one.
 */
@Timeout(90)
class RotationUnderLoadTest {
  @TempDir
  Path dir;

  @Test
  void rotatingCertificateFilesUnderLoadFailsNoRequest() throws Exception {
    TestPki.Issued ca = TestPki.ca("rotation-ca");
    TestPki.Issued first = TestPki.leaf(ca, "web-1", List.of(), List.of("web.test"));
    TestPki.Issued second = TestPki.leaf(ca, "web-2", List.of(), List.of("web.test"));
    Path[] files = Pem.write(dir, "web", first);
    SSLContext client = TlsClients.jdkClient(ca, null);
    try (TestBackend backend = TestBackend.start("app");
        ProxyFixture proxy = ProxyFixture.fromBootstrap("""
            static_resources:
              listeners:
              - name: web
                address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
                filter_chains:
                - transport_socket:
                    name: envoy.transport_sockets.tls
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                      common_tls_context:
                        tls_certificates:
                        - certificate_chain: { filename: %s }
                          private_key: { filename: %s }
                  filters:
                  - name: envoy.filters.network.http_connection_manager
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                      stat_prefix: web
                      route_config:
                        virtual_hosts:
                        - name: all
                          domains: ["*"]
                          routes:
                          - match: { prefix: / }
                            route: { cluster: app }
                      http_filters:
                      - name: envoy.filters.http.router
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
              clusters:
              - name: app
                type: STATIC
                connect_timeout: 1s
                load_assignment:
                  cluster_name: app
                  endpoints:
                  - lb_endpoints:
                    - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
            """.formatted(files[0], files[1], backend.port()), dir, "web")) {
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong ok = new AtomicLong();
      List<String> failures = new CopyOnWriteArrayList<>();
      Set<BigInteger> seen = ConcurrentHashMap.newKeySet();
      ExecutorService clients = Executors.newFixedThreadPool(3);
      try (RawHttpConnection keepAlive = RawHttpConnection.openTls(proxy.address("web"), client, "web.test")) {
        List<Future<?>> loops = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
          loops.add(clients.submit(() -> {
            while (running.get()) {
              try (RawHttpConnection c = RawHttpConnection.openTls(proxy.address("web"), client, "web.test")) {
                int status = c.exchange("GET", "/new-connection", "Host: web.test").status();
                if (status == 200) {
                  ok.incrementAndGet();
                  seen.add(TlsClients.peerLeaf(c.tlsSession()).getSerialNumber());
                } else {
                  failures.add("status " + status);
                }
              } catch (RuntimeException e) {
                failures.add(e.toString());
              }
            }
          }));
        }
        loops.add(clients.submit(() -> {
          while (running.get()) {
            try {
              int status = keepAlive.exchange("GET", "/keep-alive", "Host: web.test").status();
              if (status == 200) {
                ok.incrementAndGet();
              } else {
                failures.add("keep-alive status " + status);
              }
            } catch (RuntimeException e) {
              failures.add("keep-alive: " + e);
              return;
            }
          }
        }));
        Await.until("traffic on the first certificate", () -> ok.get() >= 50 && seen.contains(first.serial()));

        long rotatedAt = System.nanoTime();
        Pem.write(dir, "web", second);
        Await.until("new connections see the new certificate", Duration.ofSeconds(10),
            () -> seen.contains(second.serial()), () -> "seen " + seen);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rotatedAt);
        long afterRotation = ok.get();
        Await.until("more traffic after the rotation", () -> ok.get() >= afterRotation + 50);
        running.set(false);
        for (Future<?> loop : loops) {
          loop.get(20, TimeUnit.SECONDS);
        }

        System.out.printf("rotation: new certificate served %d ms after the files changed; %d requests, %d failed%n",
            tookMs, ok.get(), failures.size());
        assertThat(failures).isEmpty();
        assertThat(TlsClients.peerLeaf(keepAlive.tlsSession()).getSerialNumber())
            .as("the connection opened before the rotation kept its session").isEqualTo(first.serial());
      } finally {
        running.set(false);
        clients.shutdownNow();
      }
    }
  }
}
