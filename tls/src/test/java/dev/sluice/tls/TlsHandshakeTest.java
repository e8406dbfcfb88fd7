package dev.sluice.tls;

import static dev.sluice.tls.TlsFixtures.client;
import static dev.sluice.tls.TlsFixtures.factory;
import static dev.sluice.tls.TlsFixtures.mtlsServer;
import static dev.sluice.tls.TlsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.config.StringMatch;
import dev.sluice.config.SubjectAltNameMatcher;
import dev.sluice.config.TlsParamsConfig;
import dev.sluice.config.TlsParamsConfig.TlsProtocol;
import dev.sluice.config.UpstreamTlsConfig;
import dev.sluice.tls.verify.PeerVerificationException;
import dev.sluice.tls.verify.PeerVerificationException.Reason;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/** Real handshakes over loopback sockets, with each provider on each side where available. */
class TlsHandshakeTest {
  private static final String WEB = "spiffe://cluster.local/ns/default/sa/web";
  private static final String API = "spiffe://cluster.local/ns/default/sa/api";

  private static TestPki.Issued ca;
  private static TestPki.Issued otherCa;
  private static TestPki.Issued serverCert;
  private static TestPki.Issued webClient;
  private static TestPki.Issued apiClient;
  private static TestPki.Issued expiredWebClient;
  private static TestPki.Issued foreignWebClient;
  private static CertificateSourceRegistry sources;
  private static Loopback loopback;

  @BeforeAll
  static void mint() {
    ca = TestPki.ca("mesh root");
    otherCa = TestPki.ca("other root");
    serverCert = TestPki.leaf(ca, "gateway", List.of("spiffe://cluster.local/ns/istio-system/sa/gateway"),
        List.of("*.example.com", "localhost"));
    webClient = TestPki.leaf(ca, "web", List.of(WEB), List.of("web.default.svc"));
    apiClient = TestPki.leaf(ca, "api", List.of(API), List.of());
    Instant now = Instant.now();
    expiredWebClient = TestPki.leaf(ca, "web", List.of(WEB), List.of(), now.minus(Duration.ofDays(2)),
        now.minus(Duration.ofDays(1)));
    foreignWebClient = TestPki.leaf(otherCa, "web", List.of(WEB), List.of());
    sources = CertificateSourceRegistry.create();
    loopback = new Loopback();
  }

  @AfterAll
  static void stop() {
    loopback.close();
    sources.close();
  }

  static Stream<Arguments> providerPairs() {
    return TlsFixtures.providers().flatMap(s -> TlsFixtures.providers().map(c -> Arguments.of(s, c)));
  }

  static Stream<SslProvider> providers() {
    return TlsFixtures.providers();
  }

  private static TlsSnapshot serverSnapshot(SslProvider provider, dev.sluice.config.DownstreamTlsConfig config) {
    return factory(provider).serverContext("test-server", config, sources).current();
  }

  private static TlsSnapshot clientSnapshot(SslProvider provider, UpstreamTlsConfig config) {
    return factory(provider).clientContext("test-client", config, sources).current();
  }

  @ParameterizedTest(name = "server {0}, client {1}")
  @MethodSource("providerPairs")
  void negotiatesH2ByAlpnOnEnvoyDefaults(SslProvider serverProvider, SslProvider clientProvider) throws Exception {
    TlsSnapshot server = serverSnapshot(serverProvider, server(serverCert));
    int port = loopback.server(server::newHandler);

    // Envoy's client default tops out at TLS 1.2 ...
    TlsSnapshot client12 = clientSnapshot(clientProvider, client(TlsParamsConfig.DEFAULT, null, ca, List.of()));
    Loopback.Side side = loopback.connect(port, alloc -> client12.newHandler(alloc, "api.example.com", port));
    assertThat(side.handshakeFailure()).isNull();
    assertThat(side.ssl.applicationProtocol()).isEqualTo("h2");
    assertThat(side.ssl.engine().getSession().getProtocol()).isEqualTo("TLSv1.2");
    assertThat(side.ssl.engine().getSession().getCipherSuite()).contains("ECDHE").containsAnyOf("GCM", "CHACHA20");
    assertThat(side.peerCertificate().getSerialNumber()).isEqualTo(serverCert.serial());
    assertThat(side.roundTrip("ping")).isEqualTo("ping");
    assertThat(loopback.nextAccepted().ssl.applicationProtocol()).isEqualTo("h2");

    // ... while the server's goes to TLS 1.3.
    TlsParamsConfig upTo13 = new TlsParamsConfig(TlsProtocol.TLS_AUTO, TlsProtocol.TLSv1_3, List.of(), List.of());
    TlsSnapshot client13 = clientSnapshot(clientProvider, client(upTo13, null, ca, List.of()));
    Loopback.Side side13 = loopback.connect(port, alloc -> client13.newHandler(alloc, "api.example.com", port));
    assertThat(side13.handshakeFailure()).isNull();
    assertThat(side13.ssl.engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
    assertThat(side13.ssl.applicationProtocol()).isEqualTo("h2");
    loopback.nextAccepted();
  }

  @ParameterizedTest(name = "server {0}")
  @MethodSource("providers")
  void refusesTls10And11ByDefault(SslProvider serverProvider) throws Exception {
    // Only BoringSSL still speaks TLS 1.0/1.1 as a client; the JDK refuses to offer them.
    assumeTrue(OpenSsl.isAvailable(), "needs OpenSSL for a TLS 1.0/1.1 client");
    TlsSnapshot server = serverSnapshot(serverProvider, server(serverCert));
    int port = loopback.server(server::newHandler);
    TlsParamsConfig legacy = new TlsParamsConfig(TlsProtocol.TLSv1_0, TlsProtocol.TLSv1_1,
        List.of("ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA"), List.of());
    TlsSnapshot oldClient = clientSnapshot(SslProvider.OPENSSL, client(legacy, null, null, List.of()));

    Loopback.Side side = loopback.connect(port, oldClient::newHandler);

    assertThat(side.handshakeFailure()).isNotNull();
    assertThat(loopback.nextAccepted().handshakeFailure()).isNotNull();

    // Control: the same client does get through to a server configured down to TLS 1.0, so the
    // refusal above is the default minimum at work.
    TlsSnapshot permissive = serverSnapshot(SslProvider.OPENSSL, new dev.sluice.config.DownstreamTlsConfig(
        TlsFixtures.common(legacy, TlsFixtures.inline(serverCert), null, List.of()), false, false, false, null));
    int permissivePort = loopback.server(permissive::newHandler);
    Loopback.Side old = loopback.connect(permissivePort, oldClient::newHandler);
    assertThat(old.handshakeFailure()).isNull();
    assertThat(old.ssl.engine().getSession().getProtocol()).isIn("TLSv1", "TLSv1.1");
    loopback.nextAccepted();
  }

  @ParameterizedTest(name = "server {0}, client {1}")
  @MethodSource("providerPairs")
  void mtlsOverTls13(SslProvider serverProvider, SslProvider clientProvider) throws Exception {
    TlsSnapshot server = serverSnapshot(serverProvider,
        mtlsServer(serverCert, ca, List.of(SubjectAltNameMatcher.uriExact(WEB))));
    int port = loopback.server(server::newHandler);
    TlsParamsConfig only13 = new TlsParamsConfig(TlsProtocol.TLSv1_3, TlsProtocol.TLSv1_3, List.of(), List.of());
    TlsSnapshot good = clientSnapshot(clientProvider, client(only13, webClient, ca, List.of()));
    TlsSnapshot wrong = clientSnapshot(clientProvider, client(only13, apiClient, ca, List.of()));

    Loopback.Side accepted = loopback.connect(port, good::newHandler);
    Loopback.Side server13 = loopback.nextAccepted();
    assertThat(accepted.roundTrip("tls13")).isEqualTo("tls13");
    assertThat(server13.ssl.engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
    assertThat(server13.peerCertificate().getSerialNumber()).isEqualTo(webClient.serial());

    loopback.connect(port, wrong::newHandler);
    assertThat(PeerVerificationException.reasonOf(loopback.nextAccepted().handshakeFailure())).contains(Reason.SAN_MISMATCH);
  }

  @ParameterizedTest(name = "server {0}, client {1}")
  @MethodSource("providerPairs")
  void mtlsAcceptsTheRightSpiffeId(SslProvider serverProvider, SslProvider clientProvider) throws Exception {
    TlsSnapshot server = serverSnapshot(serverProvider,
        mtlsServer(serverCert, ca, List.of(SubjectAltNameMatcher.uriExact(WEB))));
    int port = loopback.server(server::newHandler);
    TlsSnapshot client = clientSnapshot(clientProvider, client(TlsParamsConfig.DEFAULT, webClient, ca, List.of()));

    Loopback.Side side = loopback.connect(port, client::newHandler);
    Loopback.Side accepted = loopback.nextAccepted();

    assertThat(side.handshakeFailure()).isNull();
    assertThat(accepted.handshakeFailure()).isNull();
    assertThat(accepted.peerCertificate().getSerialNumber()).isEqualTo(webClient.serial());
    assertThat(side.roundTrip("hello")).isEqualTo("hello");
  }

  @ParameterizedTest(name = "server {0}")
  @MethodSource("providers")
  void mtlsRefusesAWrongSan(SslProvider provider) throws Exception {
    String reason = refusedClient(provider, apiClient, Reason.SAN_MISMATCH);
    assertThat(reason).contains(API).contains("URI exact '" + WEB + "'");
  }

  @ParameterizedTest(name = "server {0}")
  @MethodSource("providers")
  void mtlsRefusesAnUntrustedCa(SslProvider provider) throws Exception {
    assertThat(refusedClient(provider, foreignWebClient, Reason.UNTRUSTED)).contains("failed chain verification");
  }

  @ParameterizedTest(name = "server {0}")
  @MethodSource("providers")
  void mtlsRefusesAnExpiredCertificate(SslProvider provider) throws Exception {
    assertThat(refusedClient(provider, expiredWebClient, Reason.EXPIRED)).contains(WEB);
  }

  @ParameterizedTest(name = "server {0}")
  @MethodSource("providers")
  void mtlsRefusesAMissingClientCertificate(SslProvider provider) throws Exception {
    refusedClient(provider, null, Reason.NO_PEER_CERTIFICATE);
  }

  /** Connects with {@code clientCert} to an mTLS server wanting {@link #WEB}; returns the server's reason text. */
  private String refusedClient(SslProvider provider, TestPki.Issued clientCert, Reason expected) throws Exception {
    TlsSnapshot server = serverSnapshot(provider, mtlsServer(serverCert, ca, List.of(SubjectAltNameMatcher.uriExact(WEB))));
    int port = loopback.server(server::newHandler);
    TlsSnapshot client = clientSnapshot(provider, client(TlsParamsConfig.DEFAULT, clientCert, ca, List.of()));

    Loopback.Side side = loopback.connect(port, client::newHandler);
    Loopback.Side accepted = loopback.nextAccepted();

    Throwable failure = accepted.handshakeFailure();
    assertThat(failure).as("server handshake").isNotNull();
    assertThat(PeerVerificationException.reasonOf(failure)).contains(expected);
    // The client learns by an alert: a failed handshake (TLS 1.2) or a closed connection (TLS 1.3).
    assertThat(side.handshakeFailure() != null || side.roundTrip("x") == null).isTrue();
    String reason = PeerVerificationException.find(failure).map(Throwable::getMessage).orElse(String.valueOf(failure.getMessage()));
    LoggerFactory.getLogger(TlsHandshakeTest.class).info("{} server refused: {}", provider, reason);
    return reason;
  }

  @ParameterizedTest(name = "client {0}")
  @MethodSource("providers")
  void upstreamChecksServerSansWithEnvoyWildcards(SslProvider provider) throws Exception {
    TlsSnapshot server = serverSnapshot(SslProvider.JDK, server(serverCert));
    int port = loopback.server(server::newHandler);

    // The server's "*.example.com" covers the exact name asked for.
    TlsSnapshot good = clientSnapshot(provider, client(TlsParamsConfig.DEFAULT, null, ca,
        List.of(SubjectAltNameMatcher.dnsExact("api.example.com"))));
    assertThat(loopback.connect(port, good::newHandler).handshakeFailure()).isNull();
    loopback.nextAccepted();

    // A wildcard does not span two labels.
    TlsSnapshot bad = clientSnapshot(provider, client(TlsParamsConfig.DEFAULT, null, ca,
        List.of(SubjectAltNameMatcher.dnsExact("a.b.example.com"))));
    Throwable failure = loopback.connect(port, bad::newHandler).handshakeFailure();
    assertThat(PeerVerificationException.reasonOf(failure)).contains(Reason.SAN_MISMATCH);
    loopback.nextAccepted();

    // auto_sni_san_validation: the SNI sent is what the server's DNS SAN must match.
    UpstreamTlsConfig bySni = new UpstreamTlsConfig(client(TlsParamsConfig.DEFAULT, null, ca, List.of()).commonTlsContext(),
        "", true, true, 1);
    TlsSnapshot sniClient = clientSnapshot(provider, bySni);
    assertThat(loopback.connect(port, a -> sniClient.newHandler(a, "www.example.com", port)).handshakeFailure()).isNull();
    loopback.nextAccepted();
    Throwable sniFailure = loopback.connect(port, a -> sniClient.newHandler(a, "www.example.org", port)).handshakeFailure();
    assertThat(PeerVerificationException.reasonOf(sniFailure)).contains(Reason.SAN_MISMATCH);
    loopback.nextAccepted();
  }

  @ParameterizedTest(name = "client {0}")
  @MethodSource("providers")
  void upstreamWithRegexSanMatcherUsesRe2(SslProvider provider) throws Exception {
    TlsSnapshot server = serverSnapshot(SslProvider.JDK, server(serverCert));
    int port = loopback.server(server::newHandler);
    SubjectAltNameMatcher regex = new SubjectAltNameMatcher(SubjectAltNameMatcher.SanType.URI,
        new StringMatch.Regex(dev.sluice.config.SafeRegex.compile("spiffe://cluster\\.local/ns/istio-system/sa/[a-z]+")));
    TlsSnapshot client = clientSnapshot(provider, client(TlsParamsConfig.DEFAULT, null, ca, List.of(regex)));
    assertThat(loopback.connect(port, client::newHandler).handshakeFailure()).isNull();
    loopback.nextAccepted();
  }
}
