package dev.sluice.conformance.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.conformance.support.Await;
import dev.sluice.conformance.support.ProxyFixture;
import dev.sluice.conformance.support.RawHttpConnection;
import dev.sluice.conformance.support.TestBackend;
import dev.sluice.conformance.support.TlsClients;
import dev.sluice.tls.TestPki;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener's certificate from an SDS file ({@code sds_config: {path_config_source: {path: ...}}},
 * Envoy's "key rotation" setup): served from the first file, and after another file is moved over
 * it, new connections get the new certificate while an open connection carries on.
 */
@Timeout(60)
class FileSdsRotationTest {
  @TempDir
  Path dir;

  /** A DiscoveryResponse in YAML with the certificate and key inline. */
  private static String yamlSecret(String name, TestPki.Issued issued) {
    return """
        version_info: "1"
        resources:
        - "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret
          name: %s
          tls_certificate:
            certificate_chain:
              inline_string: |
        %s
            private_key:
              inline_string: |
        %s
        """.formatted(name, issued.certificatePem().indent(10).stripTrailing(),
        issued.keyPem().indent(10).stripTrailing());
  }

  /** The same in JSON, the other format Envoy reads. */
  private static String jsonSecret(String name, TestPki.Issued issued) {
    return """
        {"version_info": "2", "resources": [{
          "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret",
          "name": "%s",
          "tls_certificate": {
            "certificate_chain": {"inline_string": "%s"},
            "private_key": {"inline_string": "%s"}}}]}
        """.formatted(name, jsonText(issued.certificatePem()), jsonText(issued.keyPem()));
  }

  private static String jsonText(String pem) {
    return pem.replace("\r", "").replace("\n", "\\n");
  }

  private static BigInteger servedSerial(InetSocketAddress web, SSLContext client) {
    try (RawHttpConnection c = RawHttpConnection.openTls(web, client, "web.test")) {
      assertThat(c.exchange("GET", "/", "Host: web.test").status()).isEqualTo(200);
      return TlsClients.peerLeaf(c.tlsSession()).getSerialNumber();
    }
  }

  @Test
  void aSecretFileMovedOverTheOldOneRotatesTheListenerCertificate() throws Exception {
    TestPki.Issued ca = TestPki.ca("file-sds-ca");
    TestPki.Issued first = TestPki.leaf(ca, "web-1", List.of(), List.of("web.test"));
    TestPki.Issued second = TestPki.leaf(ca, "web-2", List.of(), List.of("web.test"));
    Path secretFile = dir.resolve("sds.yaml");
    Pem.replace(secretFile, yamlSecret("server", first));
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
                        tls_certificate_sds_secret_configs:
                        - name: server
                          sds_config: { path_config_source: { path: %s } }
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
            """.formatted(secretFile, backend.port()), dir, "web")) {
      InetSocketAddress web = proxy.address("web");
      // The file is read before the listener binds: the very first handshake has the certificate.
      assertThat(servedSerial(web, client)).isEqualTo(first.serial());

      try (RawHttpConnection open = RawHttpConnection.openTls(web, client, "web.test")) {
        assertThat(open.exchange("GET", "/before", "Host: web.test").status()).isEqualTo(200);

        Pem.replace(secretFile, jsonSecret("server", second));
        AtomicReference<BigInteger> served = new AtomicReference<>();
        Await.until("new connections get the certificate of the new secret file", Duration.ofSeconds(10),
            () -> {
              served.set(servedSerial(web, client));
              return second.serial().equals(served.get());
            }, () -> "served " + served.get());

        assertThat(open.exchange("GET", "/after", "Host: web.test").status())
            .as("the connection opened before the rotation keeps working").isEqualTo(200);
        assertThat(TlsClients.peerLeaf(open.tlsSession()).getSerialNumber()).isEqualTo(first.serial());
      }
    }
  }
}
