package dev.sluice.listener;

import static dev.sluice.listener.Fixtures.chain;
import static dev.sluice.listener.Fixtures.clientContext;
import static dev.sluice.listener.Fixtures.direct;
import static dev.sluice.listener.Fixtures.get;
import static dev.sluice.listener.Fixtures.leaf;
import static dev.sluice.listener.Fixtures.listener;
import static dev.sluice.listener.Fixtures.listenerStat;
import static dev.sluice.listener.Fixtures.serverNames;
import static dev.sluice.listener.Fixtures.tlsConnect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.CodecType;
import dev.sluice.config.FilterChainMatchConfig;
import dev.sluice.config.ForwardClientCertConfig;
import dev.sluice.config.ForwardClientCertConfig.ClientCertDetail;
import dev.sluice.config.ForwardClientCertConfig.ForwardClientCertDetails;
import dev.sluice.config.SubjectAltNameMatcher;
import dev.sluice.tls.TestPki;
import dev.sluice.tls.verify.XfccElementFormatter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** TLS termination on real sockets with real clients: SNI, ALPN, mutual TLS, XFCC. */
class TlsListenerTest extends ListenerTestBase {
  private static final TestPki.Issued GATEWAY =
      leaf("gateway", List.of(Fixtures.GATEWAY_ID), List.of("localhost", "gateway.example.com"));
  private static final TestPki.Issued WEB_CLIENT = leaf("web", List.of(Fixtures.WEB_ID), List.of());
  private static final TestPki.Issued API_CLIENT = leaf("api", List.of(Fixtures.API_ID), List.of());

  @Test
  void serverNameSelectsOneOfTwoCertificatesOnOneListener() throws Exception {
    TestPki.Issued a = leaf("a", List.of(), List.of("a.example.com"));
    TestPki.Issued b = leaf("b", List.of(), List.of("b.example.com"));
    int port = bind(listener("sni", 0, true,
        chain("a", serverNames("a.example.com"), Fixtures.server(a), direct("a", CodecType.AUTO, "from a")),
        chain("b", serverNames("*.b.example.com", "b.example.com"), Fixtures.server(b),
            direct("b", CodecType.AUTO, "from b"))));
    // One client context per name: the JDK client resumes by host and port and then resends the
    // resumed session's SNI, whatever the new connection asks for.
    try (SSLSocket s = tlsConnect(clientContext(null), port, "a.example.com")) {
      assertThat(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber()).isEqualTo(a.serial());
      assertThat(get(s, "/")).startsWith("HTTP/1.1 200").endsWith("from a");
    }
    try (SSLSocket s = tlsConnect(clientContext(null), port, "www.b.example.com")) {
      assertThat(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber()).isEqualTo(b.serial());
      assertThat(get(s, "/")).endsWith("from b");
    }
    SSLContext client = clientContext(null);
    assertThatThrownBy(() -> tlsConnect(client, port, "c.example.com").close()).isInstanceOf(IOException.class);
    Fixtures.await(() -> counter(listenerStat(0, "no_filter_chain_match")) == 1);
    assertThat(counter(listenerStat(0, "ssl.handshake"))).isEqualTo(2);
    assertThat(counter("tls_inspector.sni_found")).isEqualTo(3);
  }

  @Test
  void alpnChoosesTheCodec() throws Exception {
    int port = bind(listener("alpn", 0, false,
        chain("https", FilterChainMatchConfig.ANY, Fixtures.server(GATEWAY), direct("alpn", CodecType.AUTO, "hi"))));
    HttpClient h2 = HttpClient.newBuilder().sslContext(clientContext(null)).version(HttpClient.Version.HTTP_2).build();
    HttpResponse<String> r2 = h2.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r2.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(r2.statusCode()).isEqualTo(200);
    assertThat(r2.body()).isEqualTo("hi");

    HttpClient h1 = HttpClient.newBuilder().sslContext(clientContext(null)).version(HttpClient.Version.HTTP_1_1)
        .build();
    HttpResponse<String> r1 = h1.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(r1.body()).isEqualTo("hi");

    try (SSLSocket s = tlsConnect(clientContext(null), port, null, "http/1.1")) {
      assertThat(s.getApplicationProtocol()).isEqualTo("http/1.1");
      assertThat(get(s, "/")).startsWith("HTTP/1.1 200").endsWith("hi");
    }
    assertThat(counter("http.alpn.downstream_cx_http2_total")).isEqualTo(1);
    assertThat(counter("http.alpn.downstream_cx_http1_total")).isEqualTo(2);
  }

  @Test
  void mutualTlsRefusesClientsWithoutCertificateOrWithAnotherIdentity() throws Exception {
    int port = bind(listener("mtls", 0, false, chain("mtls", FilterChainMatchConfig.ANY,
        Fixtures.mtlsServer(GATEWAY, List.of(SubjectAltNameMatcher.uriExact(Fixtures.WEB_ID))),
        direct("mtls", CodecType.AUTO, "welcome"))));
    try (SSLSocket s = tlsConnect(clientContext(WEB_CLIENT), port, null)) {
      assertThat(get(s, "/")).endsWith("welcome");
    }
    // With TLS 1.3 the client may finish its handshake before the server refuses it; the refusal
    // then arrives with the first read.
    assertThatThrownBy(() -> {
      try (SSLSocket s = tlsConnect(clientContext(null), port, null)) {
        get(s, "/");
      }
    }).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> {
      try (SSLSocket s = tlsConnect(clientContext(API_CLIENT), port, null)) {
        get(s, "/");
      }
    }).isInstanceOf(IOException.class);
    Fixtures.await(() -> counter(listenerStat(0, "ssl.fail_verify_no_cert")) == 1
        && counter(listenerStat(0, "ssl.fail_verify_san")) == 1);
    assertThat(counter(listenerStat(0, "ssl.handshake"))).isEqualTo(1);
    assertThat(counter(listenerStat(0, "ssl.connection_error"))).isZero();
  }

  @Test
  void sanitizeSetReplacesXfccWithThisHopsElement() throws Exception {
    try (Backend.HeaderEcho backend = new Backend.HeaderEcho()) {
      clusters(Map.of("backend", backend.port()));
      int port = bind(listener("xfcc", 0, false, chain("mtls", FilterChainMatchConfig.ANY,
          Fixtures.mtlsServer(GATEWAY, List.of(SubjectAltNameMatcher.uriExact(Fixtures.WEB_ID))),
          Fixtures.forward("xfcc", "backend",
              new ForwardClientCertConfig(ForwardClientCertDetails.SANITIZE_SET, Set.of(ClientCertDetail.URI))))));
      String expected = "By=" + Fixtures.GATEWAY_ID + ";Hash="
          + XfccElementFormatter.sha256Hex(WEB_CLIENT.certificate().getEncoded()) + ";URI=" + Fixtures.WEB_ID;

      try (SSLSocket s = tlsConnect(clientContext(WEB_CLIENT), port, null, "http/1.1")) {
        String spoofed = "GET / HTTP/1.1\r\nHost: test\r\nX-Forwarded-Client-Cert: By=spiffe://evil\r\n\r\n";
        assertThat(Fixtures.exchange(s, spoofed)).contains("x-forwarded-client-cert: " + expected + "\n")
            .contains("x-forwarded-proto: https\n").doesNotContain("evil");
        assertThat(get(s, "/again")).contains("x-forwarded-client-cert: " + expected + "\n");
      }

      // HTTP/2 streams of one connection share the element.
      HttpClient h2 = HttpClient.newBuilder().sslContext(clientContext(WEB_CLIENT))
          .version(HttpClient.Version.HTTP_2).build();
      List<CompletableFuture<HttpResponse<String>>> responses = List.of(
          h2.sendAsync(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/1")).build(),
              HttpResponse.BodyHandlers.ofString()),
          h2.sendAsync(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/2")).build(),
              HttpResponse.BodyHandlers.ofString()));
      for (CompletableFuture<HttpResponse<String>> r : responses) {
        HttpResponse<String> response = r.get();
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).contains("x-forwarded-client-cert: " + expected + "\n");
      }
    }
  }

  @Test
  void sanitizeRemovesXfccAndPlaintextConnectionsNeverForwardIt() throws Exception {
    try (Backend.HeaderEcho backend = new Backend.HeaderEcho()) {
      clusters(Map.of("backend", backend.port()));
      int port = bind(listener("plain", 0, false, new dev.sluice.config.FilterChainConfig("plain",
          Fixtures.forward("plain", "backend",
              new ForwardClientCertConfig(ForwardClientCertDetails.APPEND_FORWARD, Set.of())))));
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        s.setSoTimeout(5000);
        String response = Fixtures.exchange(s,
            "GET / HTTP/1.1\r\nHost: test\r\nX-Forwarded-Client-Cert: By=spiffe://evil\r\n\r\n");
        assertThat(response).contains("x-forwarded-proto: http\n").doesNotContain("x-forwarded-client-cert");
      }
    }
  }
}
