package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.CertificateValidationConfig.TrustedCa;
import dev.sluice.config.ForwardClientCertConfig.ClientCertDetail;
import dev.sluice.config.TlsParamsConfig.TlsProtocol;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TlsConfigRecordsTest {
  private static final TlsCertificateConfig CERT = new TlsCertificateConfig.Static(
      new DataSource.Filename("/etc/certs/cert-chain.pem"), new DataSource.Filename("/etc/certs/key.pem"));

  @Test
  void tlsParamsDefaultToEnvoys() {
    TlsParamsConfig params = TlsParamsConfig.DEFAULT;
    assertThat(params.effectiveMinimum()).isEqualTo(TlsProtocol.TLSv1_2);
    assertThat(params.effectiveMaximum(true)).isEqualTo(TlsProtocol.TLSv1_3);
    assertThat(params.effectiveMaximum(false)).isEqualTo(TlsProtocol.TLSv1_2);
    assertThat(params.cipherSuitesInOrder()).containsExactly(
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-CHACHA20-POLY1305",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384");
    assertThat(params.effectiveEcdhCurves()).containsExactly("X25519", "P-256");
  }

  @Test
  void aClientMinimumAboveItsDefaultMaximumRaisesTheMaximum() {
    TlsParamsConfig only13 = new TlsParamsConfig(TlsProtocol.TLSv1_3, TlsProtocol.TLS_AUTO, List.of(), List.of());
    assertThat(only13.effectiveMaximum(false)).isEqualTo(TlsProtocol.TLSv1_3);
  }

  @Test
  void tlsParamsRefuseBadRangesAndCipherSyntax() {
    assertThatThrownBy(() -> new TlsParamsConfig(TlsProtocol.TLSv1_3, TlsProtocol.TLSv1_2, List.of(), List.of()))
        .hasMessageContaining("tls_minimum_protocol_version TLSv1_3 is above tls_maximum_protocol_version TLSv1_2");
    assertThatThrownBy(() -> new TlsParamsConfig(TlsProtocol.TLS_AUTO, TlsProtocol.TLS_AUTO, List.of("A:B"), List.of()))
        .hasMessageContaining("cipher_suites entry 'A:B'");
    assertThatThrownBy(() -> new TlsParamsConfig(TlsProtocol.TLS_AUTO, TlsProtocol.TLS_AUTO, List.of("[A|B"), List.of()))
        .hasMessageContaining("unbalanced bracket");
    assertThatThrownBy(() -> new TlsParamsConfig(TlsProtocol.TLS_AUTO, TlsProtocol.TLS_AUTO, List.of("[A||B]"), List.of()))
        .hasMessageContaining("must be [A|B|...]");
    assertThat(new TlsParamsConfig(TlsProtocol.TLS_AUTO, TlsProtocol.TLS_AUTO, List.of("[A|B]", "C"), List.of())
        .cipherSuitesInOrder()).containsExactly("A", "B", "C");
  }

  @Test
  void sanMatchersNeedATrustedCa() {
    assertThatThrownBy(() -> new CertificateValidationConfig(null, List.of(SubjectAltNameMatcher.uriExact("spiffe://a/b"))))
        .hasMessageContaining("match_typed_subject_alt_names requires trusted_ca");
    assertThat(new CertificateValidationConfig(new TrustedCa.Sds("ROOTCA"), List.of(SubjectAltNameMatcher.uriExact("spiffe://a/b")))
        .matchTypedSubjectAltNames()).hasSize(1);
  }

  @Test
  void downstreamNeedsACertificateAndRequiresClientCertsForSanMatching() {
    CommonTlsConfig noCert = new CommonTlsConfig(TlsParamsConfig.DEFAULT, List.of(), null, List.of());
    assertThatThrownBy(() -> DownstreamTlsConfig.of(noCert)).hasMessageContaining("needs a certificate");

    CommonTlsConfig withSans = new CommonTlsConfig(TlsParamsConfig.DEFAULT, List.of(CERT),
        new CertificateValidationConfig(new TrustedCa.Static(new DataSource.Filename("/etc/certs/root-cert.pem")),
            List.of(SubjectAltNameMatcher.uriExact("spiffe://cluster.local/ns/default/sa/web"))), CommonTlsConfig.HTTP_ALPN);
    assertThat(DownstreamTlsConfig.of(withSans).clientCertificateRequired()).isTrue();
    CommonTlsConfig caOnly = new CommonTlsConfig(TlsParamsConfig.DEFAULT, List.of(CERT),
        CertificateValidationConfig.of(new TrustedCa.Sds("ROOTCA")), List.of());
    assertThat(DownstreamTlsConfig.of(caOnly).clientCertificateRequired()).isFalse();
    assertThatThrownBy(() -> new DownstreamTlsConfig(caOnly, false, false, false, Duration.ofSeconds(-1)))
        .hasMessageContaining("session_timeout");
  }

  @Test
  void commonContextRefusesWhatIsNotSupported() {
    assertThatThrownBy(() -> new CommonTlsConfig(TlsParamsConfig.DEFAULT, List.of(CERT, CERT), null, List.of()))
        .hasMessageContaining("only one TLS certificate per context");
    assertThatThrownBy(() -> new CommonTlsConfig(TlsParamsConfig.DEFAULT, List.of(CERT), null, List.of("")))
        .hasMessageContaining("alpn_protocols entry ''");
    assertThatThrownBy(() -> new CommonTlsConfig(TlsParamsConfig.DEFAULT, List.of(CERT), null, List.of("h2", "h2")))
        .hasMessageContaining("duplicates");
  }

  @Test
  void upstreamValidatesSniAndSessionKeys() {
    CommonTlsConfig common = new CommonTlsConfig(TlsParamsConfig.DEFAULT, List.of(), null, List.of());
    assertThat(UpstreamTlsConfig.of(common, "api.example.com").maxSessionKeys()).isEqualTo(1);
    assertThatThrownBy(() -> UpstreamTlsConfig.of(common, "a".repeat(256))).hasMessageContaining("255 bytes");
    assertThatThrownBy(() -> new UpstreamTlsConfig(common, "", false, true, 1))
        .hasMessageContaining("auto_sni_san_validation requires");
  }

  @Test
  void inlineDataNeverShowsInMessagesOrToString() {
    DataSource key = new DataSource.InlineString("-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n");
    DataSource bytes = new DataSource.InlineBytes(new byte[] {1, 2, 3});
    assertThat(key.describe()).isEqualTo("inline string (61 bytes)");
    assertThat(key.toString()).doesNotContain("secret");
    assertThat(bytes).isEqualTo(new DataSource.InlineBytes(new byte[] {1, 2, 3})).hasToString("InlineBytes[inline bytes (3 bytes)]");
  }

  @Test
  void forwardClientCertDefaultsToSanitize() {
    assertThat(ForwardClientCertConfig.DEFAULT.forwardClientCertDetails())
        .isEqualTo(ForwardClientCertConfig.ForwardClientCertDetails.SANITIZE);
    assertThat(new ForwardClientCertConfig(ForwardClientCertConfig.ForwardClientCertDetails.SANITIZE_SET,
        Set.of(ClientCertDetail.URI, ClientCertDetail.SUBJECT)).setCurrentClientCertDetails()).hasSize(2);
  }
}
