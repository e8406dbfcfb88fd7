package dev.sluice.tls;

import dev.sluice.config.CertificateValidationConfig;
import dev.sluice.config.CertificateValidationConfig.TrustedCa;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.DataSource;
import dev.sluice.config.DownstreamTlsConfig;
import dev.sluice.config.SubjectAltNameMatcher;
import dev.sluice.config.TlsCertificateConfig;
import dev.sluice.config.TlsParamsConfig;
import dev.sluice.config.UpstreamTlsConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Configuration records for tests, built the way a decoder would build them from Envoy YAML. */
final class TlsFixtures {
  private TlsFixtures() {}

  /** JDK always; OpenSSL (BoringSSL) when netty-tcnative loads here. */
  static Stream<SslProvider> providers() {
    List<SslProvider> providers = new ArrayList<>(List.of(SslProvider.JDK));
    if (OpenSsl.isAvailable()) {
      providers.add(SslProvider.OPENSSL);
    }
    return providers.stream();
  }

  static TlsContextFactory factory(SslProvider provider) {
    return new TlsContextFactory(TlsProviderChoice.of(provider), dev.sluice.common.Ticker.SYSTEM);
  }

  static TlsCertificateConfig.Static inline(TestPki.Issued issued) {
    return new TlsCertificateConfig.Static(new DataSource.InlineString(issued.certificatePem()),
        new DataSource.InlineString(issued.keyPem()));
  }

  static TrustedCa inlineCa(TestPki.Issued... cas) {
    StringBuilder pem = new StringBuilder();
    for (TestPki.Issued ca : cas) {
      pem.append(ca.certificatePem());
    }
    return new TrustedCa.Static(new DataSource.InlineString(pem.toString()));
  }

  static CommonTlsConfig common(TlsParamsConfig params, TlsCertificateConfig certificate,
      CertificateValidationConfig validation, List<String> alpn) {
    return new CommonTlsConfig(params, certificate == null ? List.of() : List.of(certificate), validation, alpn);
  }

  static DownstreamTlsConfig server(TestPki.Issued certificate) {
    return DownstreamTlsConfig.of(common(TlsParamsConfig.DEFAULT, inline(certificate), null, CommonTlsConfig.HTTP_ALPN));
  }

  /** An mTLS server: clients must chain to {@code ca} and match {@code sans}. */
  static DownstreamTlsConfig mtlsServer(TestPki.Issued certificate, TestPki.Issued ca, List<SubjectAltNameMatcher> sans) {
    return new DownstreamTlsConfig(common(TlsParamsConfig.DEFAULT, inline(certificate),
        new CertificateValidationConfig(inlineCa(ca), sans), CommonTlsConfig.HTTP_ALPN), true, false, false, null);
  }

  static UpstreamTlsConfig client(TlsParamsConfig params, TestPki.Issued certificate, TestPki.Issued ca,
      List<SubjectAltNameMatcher> sans) {
    CertificateValidationConfig validation = ca == null ? null : new CertificateValidationConfig(inlineCa(ca), sans);
    return UpstreamTlsConfig.of(common(params, certificate == null ? null : inline(certificate), validation,
        CommonTlsConfig.HTTP_ALPN), "");
  }
}
