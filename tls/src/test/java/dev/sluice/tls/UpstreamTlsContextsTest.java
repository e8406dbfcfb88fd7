package dev.sluice.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.CertificateValidationConfig;
import dev.sluice.config.CertificateValidationConfig.TrustedCa;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.TlsParamsConfig;
import dev.sluice.config.UpstreamTlsConfig;
import dev.sluice.tls.verify.PeerVerificationException;
import dev.sluice.tls.verify.PeerVerificationException.Reason;
import dev.sluice.upstream.UpstreamTls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The SNI each cluster setting leads to, readiness, and the stat a failed handshake counts under. */
class UpstreamTlsContextsTest {
  private static TestPki.Issued ca;
  private static CertificateSourceRegistry sources;

  @BeforeAll
  static void mint() {
    ca = TestPki.ca("mesh root");
    sources = CertificateSourceRegistry.create();
  }

  @AfterAll
  static void stop() {
    sources.close();
  }

  static Stream<SslProvider> providers() {
    return TlsFixtures.providers();
  }

  private static UpstreamTlsConfig config(String sni, boolean autoHostSni) {
    CommonTlsConfig common = TlsFixtures.common(TlsParamsConfig.DEFAULT, null,
        CertificateValidationConfig.of(TlsFixtures.inlineCa(ca)), List.of());
    return new UpstreamTlsConfig(common, sni, autoHostSni, false, UpstreamTlsConfig.DEFAULT_MAX_SESSION_KEYS);
  }

  /** The SNI a new handler would send for an endpoint named {@code host}, or null for none. */
  private static String sniFor(SslProvider provider, UpstreamTlsConfig config, String host) {
    try (UpstreamTls tls = new UpstreamTlsContexts(TlsFixtures.factory(provider), sources).create("web", config)) {
      SslHandler handler = tls.newHandler(ByteBufAllocator.DEFAULT, host, 443);
      try {
        List<SNIServerName> names = handler.engine().getSSLParameters().getServerNames();
        return names == null || names.isEmpty() ? null : ((SNIHostName) names.get(0)).getAsciiName();
      } finally {
        ReferenceCountUtil.release(handler.engine());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void sniIsTheConfiguredNameThenTheHostWithAutoHostSniThenNone(SslProvider provider) {
    assertThat(sniFor(provider, config("backend.example.com", true), "api.example.com")).isEqualTo("backend.example.com");
    assertThat(sniFor(provider, config("", true), "api.example.com")).isEqualTo("api.example.com");
    assertThat(sniFor(provider, config("", false), "api.example.com")).isNull();
    assertThat(sniFor(provider, config("", true), "10.0.0.7")).isNull();
  }

  @Test
  void waitsForItsSdsSecretsAndSaysWhich() {
    CommonTlsConfig common = TlsFixtures.common(TlsParamsConfig.DEFAULT, null,
        CertificateValidationConfig.of(new TrustedCa.Sds("ROOTCA-" + System.nanoTime())), List.of());
    UpstreamTlsConfig config = new UpstreamTlsConfig(common, "", false, false, 1);
    try (UpstreamTls tls = new UpstreamTlsContexts(TlsFixtures.factory(SslProvider.JDK), sources).create("web", config)) {
      assertThat(tls.newHandler(ByteBufAllocator.DEFAULT, "api.example.com", 443)).isNull();
      assertThat(tls.notReadyReason()).startsWith("waiting for sds secret 'ROOTCA-");
    }
  }

  @Test
  void handshakeFailuresCountUnderEnvoysNames() {
    try (UpstreamTls tls = new UpstreamTlsContexts(TlsFixtures.factory(SslProvider.JDK), sources)
        .create("web", config("", false))) {
      assertThat(tls.failureStat(wrapped(Reason.SAN_MISMATCH))).isEqualTo("ssl.fail_verify_san");
      assertThat(tls.failureStat(wrapped(Reason.UNTRUSTED))).isEqualTo("ssl.fail_verify_error");
      assertThat(tls.failureStat(wrapped(Reason.EXPIRED))).isEqualTo("ssl.fail_verify_error");
      assertThat(tls.failureStat(wrapped(Reason.NO_PEER_CERTIFICATE))).isEqualTo("ssl.fail_verify_no_cert");
      assertThat(tls.failureStat(new SSLHandshakeException("no cipher suites in common")))
          .isEqualTo("ssl.connection_error");
    }
  }

  private static Throwable wrapped(Reason reason) {
    SSLHandshakeException failure = new SSLHandshakeException("handshake failed");
    failure.initCause(new PeerVerificationException(reason, "test"));
    return failure;
  }
}
