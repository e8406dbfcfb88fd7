package dev.sluice.conformance.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.conformance.support.EchoedRequest;
import dev.sluice.conformance.support.H2Client;
import dev.sluice.conformance.support.H2Response;
import dev.sluice.conformance.support.HttpClients;
import dev.sluice.conformance.support.ProxyFixture;
import dev.sluice.conformance.support.RawHttpConnection;
import dev.sluice.conformance.support.RawResponse;
import dev.sluice.conformance.support.TestBackend;
import dev.sluice.conformance.support.TlsClients;
import dev.sluice.tls.TestPki;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One listener terminating TLS for two names by SNI, each with its own certificate; the second
 * name requires a client certificate with one SPIFFE identity and forwards it in
 * x-forwarded-client-cert. Real handshakes with certificates made here.
 */
@Timeout(60)
class TlsTerminationTest {
  private static final String CLIENT_ID = "spiffe://cluster.local/ns/app/sa/client";
  private static final String GATEWAY_ID = "spiffe://cluster.local/ns/gw/sa/gateway";

  @TempDir
  static Path dir;

  static TestPki.Issued serverCa;
  static TestPki.Issued clientCa;
  static TestPki.Issued certA;
  static TestPki.Issued certB;
  static TestPki.Issued client;
  static TestBackend backend;
  static ProxyFixture proxy;

  @BeforeAll
  static void start() {
    serverCa = TestPki.ca("server-ca");
    clientCa = TestPki.ca("client-ca");
    Instant now = Instant.now();
    certA = TestPki.leaf(serverCa, "a.example.test", List.of(), List.of("a.example.test"), now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(30)).plus(Duration.ofHours(1)));
    certB = TestPki.leaf(serverCa, "b.example.test", List.of(GATEWAY_ID), List.of("b.example.test"),
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(20)).plus(Duration.ofHours(1)));
    client = TestPki.leaf(clientCa, "client", List.of(CLIENT_ID), List.of());
    Path[] a = Pem.write(dir, "a", certA);
    Path[] b = Pem.write(dir, "b", certB);
    Path clientCaFile = Pem.writeCa(dir, "client-ca", clientCa);
    backend = TestBackend.start("app");
    proxy = ProxyFixture.fromBootstrap("""
        admin:
          address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
        static_resources:
          listeners:
          - name: tls
            address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
            listener_filters:
            - name: envoy.filters.listener.tls_inspector
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector
            filter_chains:
            - name: a
              filter_chain_match: { server_names: [a.example.test] }
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  common_tls_context:
                    alpn_protocols: [h2, http/1.1]
                    tls_certificates:
                    - certificate_chain: { filename: %s }
                      private_key: { filename: %s }
              filters:
              - %s
            - name: b
              filter_chain_match: { server_names: [b.example.test] }
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  require_client_certificate: true
                  common_tls_context:
                    alpn_protocols: [http/1.1]
                    tls_certificates:
                    - certificate_chain: { filename: %s }
                      private_key: { filename: %s }
                    validation_context:
                      trusted_ca: { filename: %s }
                      match_typed_subject_alt_names:
                      - san_type: URI
                        matcher: { exact: "%s" }
              filters:
              - %s
          clusters:
          - name: app
            type: STATIC
            connect_timeout: 1s
            load_assignment:
              cluster_name: app
              endpoints:
              - lb_endpoints:
                - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
        """.formatted(a[0], a[1], hcm("a"), b[0], b[1], clientCaFile, CLIENT_ID, hcm("b"), backend.port()),
        dir, "a");
  }

  /** A connection manager as one flow-style YAML item, forwarding client identities on chain b. */
  private static String hcm(String prefix) {
    return "{ name: envoy.filters.network.http_connection_manager, typed_config: { "
        + "\"@type\": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager, "
        + "stat_prefix: " + prefix + ", "
        + "forward_client_cert_details: SANITIZE_SET, set_current_client_cert_details: { uri: true }, "
        + "route_config: { name: r, virtual_hosts: [ { name: all, domains: [\"*\"], routes: [ { match: { prefix: / }, "
        + "route: { cluster: app } } ] } ] }, "
        + "http_filters: [ { name: envoy.filters.http.router, typed_config: { "
        + "\"@type\": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router } } ] } }";
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private static InetSocketAddress address() {
    return proxy.address("tls");
  }

  /** Listener stats are named by the configured address, port 0 included, as Envoy names them. */
  private static String listenerStat(String name) {
    return "listener.127.0.0.1_0." + name;
  }

  private static java.util.Map<String, Long> sslStats() {
    java.util.Map<String, Long> ssl = new java.util.TreeMap<>();
    proxy.stats().counterValues().forEach((name, value) -> {
      if (name.contains("ssl.")) {
        ssl.put(name, value);
      }
    });
    return ssl;
  }

  private static SSLContext trustingServers(TestPki.Issued clientCertificate) {
    return TlsClients.jdkClient(serverCa, clientCertificate);
  }

  @Test
  void eachServerNameGetsItsOwnCertificateAndRequestsAreForwardedAsHttps() {
    try (RawHttpConnection c = RawHttpConnection.openTls(address(), trustingServers(null), "a.example.test", "http/1.1")) {
      assertThat(TlsClients.peerLeaf(c.tlsSession()).getSerialNumber()).isEqualTo(certA.serial());
      assertThat(c.applicationProtocol()).isEqualTo("http/1.1");
      RawResponse response = c.exchange("GET", "/hello", "Host: a.example.test", "X-Forwarded-Client-Cert: By=forged");
      assertThat(response.status()).isEqualTo(200);
      EchoedRequest seen = response.echo();
      assertThat(seen.header("x-forwarded-proto")).isEqualTo("https");
      assertThat(seen.hasHeader("x-forwarded-client-cert")).as("sanitized without a client certificate").isFalse();
    }
    try (RawHttpConnection c = RawHttpConnection.openTls(address(), trustingServers(client), "b.example.test")) {
      assertThat(TlsClients.peerLeaf(c.tlsSession()).getSerialNumber()).isEqualTo(certB.serial());
    }
  }

  @Test
  void theAdminInterfaceListsTheCertificatesAndTheDaysUntilTheFirstExpires() {
    HttpClient admin = HttpClients.http1();
    String base = "http://127.0.0.1:" + proxy.adminAddress().getPort();
    String certs = HttpClients.send(admin,
        HttpClients.get(URI.create(base + "/certs"))).body();
    assertThat(certs)
        .contains("\"name\":\"listener 'tls' chain 'a'\"", "\"serial_number\":\"" + certA.serial().toString(16) + "\"")
        .contains("\"name\":\"listener 'tls' chain 'b'\"", "\"serial_number\":\"" + certB.serial().toString(16) + "\"")
        .contains("{\"uri\":\"" + GATEWAY_ID + "\"}", "{\"dns\":\"a.example.test\"}", "\"days_until_expiration\":30");
    String stats = HttpClients.send(admin,
        HttpClients.get(URI.create(base + "/stats?filter=cert_expiring"))).body();
    assertThat(stats).isEqualTo("server.days_until_first_cert_expiring: 20\n");
  }

  @Test
  void alpnH2ServesHttp2OverTls() throws Exception {
    try (H2Client h2 = H2Client.connectTls(address(), TlsClients.nettyClient(serverCa, null, "h2", "http/1.1"),
        "a.example.test")) {
      H2Response response = h2.send("GET", "/over-h2").get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.echo().header("x-forwarded-proto")).isEqualTo("https");
    }
  }

  @Test
  void theRightSpiffeIdIsAcceptedAndForwardedInXfcc() throws Exception {
    try (RawHttpConnection c = RawHttpConnection.openTls(address(), trustingServers(client), "b.example.test")) {
      RawResponse response = c.exchange("GET", "/mtls", "Host: b.example.test",
          "X-Forwarded-Client-Cert: By=spiffe://evil;URI=spiffe://evil");
      assertThat(response.status()).isEqualTo(200);
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(client.certificate().getEncoded()));
      assertThat(response.echo().headerValues("x-forwarded-client-cert"))
          .containsExactly("By=" + GATEWAY_ID + ";Hash=" + hash + ";URI=" + CLIENT_ID);
    }
  }

  @Test
  void aWrongSanIsRefusedAndCounted() {
    TestPki.Issued other = TestPki.leaf(clientCa, "other", List.of("spiffe://cluster.local/ns/app/sa/other"), List.of());
    assertRefused(other, "ssl.fail_verify_san");
  }

  @Test
  void anUntrustedCaIsRefusedAndCounted() {
    TestPki.Issued rogueCa = TestPki.ca("rogue-ca");
    assertRefused(TestPki.leaf(rogueCa, "client", List.of(CLIENT_ID), List.of()), "ssl.fail_verify_error");
  }

  @Test
  void anExpiredCertificateIsRefusedAndCounted() {
    Instant now = Instant.now();
    TestPki.Issued expired = TestPki.leaf(clientCa, "client", List.of(CLIENT_ID), List.of(),
        now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)));
    assertRefused(expired, "ssl.fail_verify_error");
  }

  @Test
  void noClientCertificateIsRefusedAndCounted() {
    assertRefused(null, "ssl.fail_verify_no_cert");
  }

  /** The handshake (or, with TLS 1.3, the first exchange after it) fails, and the stat goes up. */
  private static void assertRefused(TestPki.Issued clientCertificate, String stat) {
    long before = proxy.counter(listenerStat(stat));
    long backendBefore = backend.requestCount();
    assertThatThrownBy(() -> {
      try (RawHttpConnection c = RawHttpConnection.openTls(address(), trustingServers(clientCertificate),
          "b.example.test")) {
        RawResponse response = c.exchange("GET", "/refused", "Host: b.example.test");
        throw new AssertionError("a refused client got an answer: " + response);
      }
    }).isNotInstanceOf(AssertionError.class);
    dev.sluice.conformance.support.Await.until(stat + " counted", dev.sluice.conformance.support.Await.DEFAULT_TIMEOUT,
        () -> proxy.counter(listenerStat(stat)) > before, () -> "ssl stats: " + sslStats());
    assertThat(backend.requestCount()).as("requests that reached the backend").isEqualTo(backendBefore);
  }
}
