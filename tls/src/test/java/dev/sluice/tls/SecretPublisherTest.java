package dev.sluice.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.DataSource;
import dev.sluice.config.SecretConfig;
import dev.sluice.config.TlsCertificateConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretPublisherTest {
  private static final TestPki.Issued CA = TestPki.ca("secret-ca");

  private static SecretConfig certificateSecret(String name, TestPki.Issued issued) {
    return new SecretConfig(name, new TlsCertificateConfig.Static(new DataSource.InlineString(issued.certificatePem()),
        new DataSource.InlineString(issued.keyPem())), null);
  }

  @Test
  void pushesNewAndChangedSecretsOnlyAndReportsBadOnesToWatchers() {
    try (CertificateSourceRegistry registry = CertificateSourceRegistry.create()) {
      SecretPublisher publisher = new SecretPublisher(registry);
      TestPki.Issued first = TestPki.leaf(CA, "one", List.of("spiffe://test/ns/a/sa/one"), List.of());
      TestPki.Issued second = TestPki.leaf(CA, "two", List.of("spiffe://test/ns/a/sa/two"), List.of());
      CertificateSourceTest.Recorder<CertificateMaterial> certificate = new CertificateSourceTest.Recorder<>();
      CertificateSourceTest.Recorder<TrustBundle> roots = new CertificateSourceTest.Recorder<>();
      registry.sdsCertificate("default").watch(certificate);
      registry.sdsTrustedCa("ROOTCA").watch(roots);
      SecretConfig root = new SecretConfig("ROOTCA", null, new DataSource.InlineString(CA.certificatePem()));

      assertThat(publisher.publish(Map.of("default", certificateSecret("default", first), "ROOTCA", root))).isEqualTo(2);
      assertThat(publisher.publish(Map.of("default", certificateSecret("default", first), "ROOTCA", root))).isZero();
      assertThat(publisher.publish(Map.of("default", certificateSecret("default", second), "ROOTCA", root))).isEqualTo(1);
      SecretConfig mismatched = new SecretConfig("default", new TlsCertificateConfig.Static(
          new DataSource.InlineString(second.certificatePem()), new DataSource.InlineString(first.keyPem())), null);
      publisher.publish(Map.of("default", mismatched, "ROOTCA", root));

      assertThat(certificate.events).hasSize(3);
      assertThat(certificate.events.get(0)).startsWith("value ");
      assertThat(certificate.events.get(1)).startsWith("value ").isNotEqualTo(certificate.events.get(0));
      assertThat(certificate.events.get(2)).startsWith("error secret 'default': ").contains("does not match");
      assertThat(roots.events).hasSize(1).allMatch(e -> e.startsWith("value "));
    }
  }
}
