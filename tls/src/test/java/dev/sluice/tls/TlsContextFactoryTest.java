package dev.sluice.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.common.Ticker;
import dev.sluice.config.CertificateValidationConfig;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.DownstreamTlsConfig;
import dev.sluice.config.TlsCertificateConfig;
import dev.sluice.config.TlsParamsConfig;
import dev.sluice.config.TlsParamsConfig.TlsProtocol;
import io.netty.handler.ssl.SslProvider;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TlsContextFactoryTest {
  private static TestPki.Issued ca;
  private static TestPki.Issued leaf;
  private static CertificateSourceRegistry sources;

  @BeforeAll
  static void mint() {
    ca = TestPki.ca("root");
    leaf = TestPki.leaf(ca, "gateway", List.of("spiffe://cluster.local/ns/istio-system/sa/gateway"), List.of("gw.example.com"));
    sources = CertificateSourceRegistry.create();
  }

  @AfterAll
  static void stop() {
    sources.close();
  }

  static List<SslProvider> providers() {
    return TlsFixtures.providers().toList();
  }

  @Test
  void detectsAProviderOnceAndSaysWhy() {
    TlsProviderChoice choice = TlsProviderChoice.detect();
    assertThat(choice).isSameAs(TlsProviderChoice.detect());
    assertThat(choice.reason()).isNotBlank();
    assertThat(TlsProviderChoice.choose("jdk").provider()).isEqualTo(SslProvider.JDK);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void equalConfigurationAndMaterialShareOneContext(SslProvider provider) {
    TlsContextFactory factory = TlsFixtures.factory(provider);
    DownstreamTlsConfig config = TlsFixtures.server(leaf);
    CertificateMaterial material = PemLoader.certificate(TlsFixtures.inline(leaf), Ticker.SYSTEM);
    CertificateMaterial sameBytes = PemLoader.certificate(TlsFixtures.inline(leaf), Ticker.SYSTEM);
    TestPki.Issued other = TestPki.leaf(ca, "gateway", List.of(), List.of());

    TlsSnapshot first = factory.serverSnapshot(config, material, null);
    TlsSnapshot second = factory.serverSnapshot(TlsFixtures.server(leaf), sameBytes, null);
    TlsSnapshot different = factory.serverSnapshot(config, PemLoader.certificate(TlsFixtures.inline(other), Ticker.SYSTEM), null);

    assertThat(second).isSameAs(first);
    assertThat(second.sslContext()).isSameAs(first.sslContext());
    assertThat(different.sslContext()).isNotSameAs(first.sslContext());
    assertThat(first.serial()).isEqualTo(leaf.serial());
    assertThat(first.notAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
    assertThat(first.localUriSans()).containsExactly("spiffe://cluster.local/ns/istio-system/sa/gateway");
    assertThat(first.provider()).isEqualTo(provider);
    assertThat(factory.cachedSnapshots()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void serverDefaultsAreEnvoysAndTicketsAreOn(SslProvider provider) throws Exception {
    TlsSnapshot snapshot = TlsFixtures.factory(provider).serverContext("defaults", TlsFixtures.server(leaf), sources)
        .ready().get(5, TimeUnit.SECONDS);
    var engine = snapshot.sslContext().newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT);
    try {
      // OpenSSL engines also list the pseudo-protocol SSLv2Hello (accepting an SSLv2-format hello, never SSLv2).
      assertThat(engine.getEnabledProtocols()).filteredOn(p -> !p.equals("SSLv2Hello"))
          .containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
      assertThat(engine.getEnabledCipherSuites()).allSatisfy(suite ->
          assertThat(suite.startsWith("TLS_ECDHE_") || suite.startsWith("ECDHE-") || suite.startsWith("TLS_AES_")
              || suite.startsWith("TLS_CHACHA20_")).as(suite).isTrue())
          .noneMatch(suite -> suite.contains("CBC") || suite.contains("_SHA\u0000"));
      assertThat(snapshot.sslContext().applicationProtocolNegotiator().protocols()).containsExactly("h2", "http/1.1");
    } finally {
      io.netty.util.ReferenceCountUtil.release(engine);
    }
    if (snapshot.sslContext().sessionContext() instanceof io.netty.handler.ssl.OpenSslSessionContext) {
      // Netty starts OpenSSL servers with SSL_OP_NO_TICKET; the factory must have cleared it.
      assertThat(snapshot.warnings()).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void anUnsupportedExplicitCipherIsNamed(SslProvider provider) {
    TlsParamsConfig params = new TlsParamsConfig(TlsProtocol.TLS_AUTO, TlsProtocol.TLS_AUTO,
        List.of("ECDHE-RSA-AES128-GCM-SHA256", "NOT-A-CIPHER"), List.of());
    DownstreamTlsConfig config = DownstreamTlsConfig.of(TlsFixtures.common(params, TlsFixtures.inline(leaf), null, List.of()));
    CertificateMaterial material = PemLoader.certificate(TlsFixtures.inline(leaf), Ticker.SYSTEM);

    assertThatThrownBy(() -> TlsFixtures.factory(provider).serverSnapshot(config, material, null))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("cipher suite 'NOT-A-CIPHER' in tls_params is not supported by the " + provider);
  }

  @Test
  void aContextWaitsForItsSdsSecretAndSaysWhatItWaitsFor() throws Exception {
    CommonTlsConfig common = new CommonTlsConfig(TlsParamsConfig.DEFAULT, List.of(new TlsCertificateConfig.Sds("default")),
        new CertificateValidationConfig(new CertificateValidationConfig.TrustedCa.Sds("ROOTCA"), List.of()), List.of());
    RotatingTlsContext context = TlsContextFactory.create().serverContext("sds", DownstreamTlsConfig.of(common), sources);

    assertThat(context.current()).isNull();
    assertThat(context.waitingFor()).containsExactly("sds secret 'default'", "sds secret 'ROOTCA'");
    assertThatThrownBy(() -> context.newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("waiting for [sds secret 'default', sds secret 'ROOTCA']");

    sources.sdsTrustedCa("ROOTCA").push(PemLoader.trustBundle(ca.certificatePem().getBytes(), "sds secret 'ROOTCA'", Ticker.SYSTEM));
    sources.sdsCertificate("default").push(PemLoader.certificate(TlsFixtures.inline(leaf), Ticker.SYSTEM));

    assertThat(context.ready().get(5, TimeUnit.SECONDS).serial()).isEqualTo(leaf.serial());
    assertThat(context.waitingFor()).isEmpty();
    context.close();
  }

  @Test
  void inlineMaterialThatCannotLoadLeavesTheContextWaitingWithTheError() {
    TestPki.Issued other = TestPki.leaf(ca, "other", List.of(), List.of());
    TlsCertificateConfig.Static mismatched = new TlsCertificateConfig.Static(
        new dev.sluice.config.DataSource.InlineString(leaf.certificatePem()),
        new dev.sluice.config.DataSource.InlineString(other.keyPem()));
    RotatingTlsContext context = TlsContextFactory.create().serverContext("bad",
        DownstreamTlsConfig.of(TlsFixtures.common(TlsParamsConfig.DEFAULT, mismatched, null, List.of())), sources);

    assertThat(context.current()).isNull();
    assertThat(context.lastError()).get().asString()
        .contains("private key inline string").contains("does not match the certificate");
  }
}
