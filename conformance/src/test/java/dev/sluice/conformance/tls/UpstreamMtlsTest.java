package dev.sluice.conformance.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.conformance.support.HttpClients;
import dev.sluice.conformance.support.ProxyFixture;
import dev.sluice.conformance.support.TestBackend;
import dev.sluice.conformance.support.TlsClients;
import dev.sluice.tls.TestPki;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS from Sluice to backends, Istio style: the backend requires Sluice's client
 * certificate, and Sluice accepts the backend only if its certificate carries the expected SPIFFE
 * identity.
 */
@Timeout(60)
class UpstreamMtlsTest {
  private static final String SIDECAR_ID = "spiffe://cluster.local/ns/gw/sa/sluice";
  private static final String BACKEND_ID = "spiffe://cluster.local/ns/shop/sa/api";

  @TempDir
  Path dir;

  private final TestPki.Issued meshCa = TestPki.ca("mesh-ca");
  private final TestPki.Issued sidecar = TestPki.leaf(meshCa, "sluice", List.of(SIDECAR_ID), List.of());
  private TestBackend backend;
  private ProxyFixture proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private void start(TestPki.Issued backendCertificate) {
    backend = TestBackend.startTls("api", TlsClients.nettyServer(backendCertificate, meshCa));
    Path[] client = Pem.write(dir, "sidecar", sidecar);
    Path ca = Pem.writeCa(dir, "mesh-ca", meshCa);
    proxy = ProxyFixture.builder()
        .clusterYaml("api", """
            - name: api
              type: STATIC
              connect_timeout: 1s
              load_assignment:
                cluster_name: api
                endpoints:
                - lb_endpoints:
                  - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
                  sni: api.shop.svc.cluster.local
                  common_tls_context:
                    tls_certificates:
                    - certificate_chain: { filename: %s }
                      private_key: { filename: %s }
                    validation_context:
                      trusted_ca: { filename: %s }
                      match_typed_subject_alt_names:
                      - san_type: URI
                        matcher: { exact: "%s" }
            """.formatted(backend.port(), client[0], client[1], ca, BACKEND_ID))
        .routeConfig("""
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - match: { prefix: / }
                route: { cluster: api }
            """)
        .start(dir);
  }

  @Test
  void theBackendSeesSluicesIdentityAndConnectionsAreReused() {
    start(TestPki.leaf(meshCa, "api", List.of(BACKEND_ID), List.of()));
    HttpClient client = HttpClients.http1();

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response = HttpClients.send(client, HttpClients.get(proxy.uri("/orders/" + i)));
      assertThat(response.statusCode()).isEqualTo(200);
    }

    assertThat(backend.requestCount()).isEqualTo(3);
    assertThat(backend.connections()).as("upstream TLS connections are pooled").isEqualTo(1);
    SSLSession session = backend.tlsSessions().get(0);
    assertThat(TlsClients.peerLeaf(session).getSerialNumber()).isEqualTo(sidecar.serial());
    assertThat(((javax.net.ssl.ExtendedSSLSession) session).getRequestedServerNames())
        .extracting(name -> new String(name.getEncoded(), java.nio.charset.StandardCharsets.US_ASCII))
        .containsExactly("api.shop.svc.cluster.local");
    assertThat(proxy.clusterCounter("api", "ssl.handshake")).isEqualTo(1);
  }

  @Test
  void aBackendWithAnotherIdentityIsRefusedAndCounted() {
    start(TestPki.leaf(meshCa, "impostor", List.of("spiffe://cluster.local/ns/shop/sa/impostor"), List.of()));

    HttpResponse<String> response = HttpClients.send(HttpClients.http1(), HttpClients.get(proxy.uri("/orders")));

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(proxy.clusterCounter("api", "ssl.fail_verify_san")).isGreaterThanOrEqualTo(1);
    assertThat(backend.requestCount()).isZero();
  }
}
