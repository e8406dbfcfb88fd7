package dev.sluice.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.common.Ticker;
import dev.sluice.config.DataSource;
import dev.sluice.config.TlsCertificateConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input is refused with a message naming the file; odd but valid input loads. */
class PemLoaderTest {
  private static TestPki.Issued ca;
  private static TestPki.Issued leaf;

  @TempDir
  Path dir;

  @BeforeAll
  static void mint() {
    ca = TestPki.ca("root");
    leaf = TestPki.leaf(ca, "web", List.of("spiffe://cluster.local/ns/default/sa/web"), List.of("web.default.svc"));
  }

  private TlsCertificateConfig.Static files(String certPem, String keyPem) throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), certPem);
    Path key = Files.writeString(dir.resolve("key.pem"), keyPem);
    return new TlsCertificateConfig.Static(new DataSource.Filename(cert.toString()), new DataSource.Filename(key.toString()));
  }

  @Test
  void keyThatDoesNotMatchItsCertificateIsRefusedNamingBothFiles() throws Exception {
    TestPki.Issued other = TestPki.leaf(ca, "other", List.of(), List.of());
    TlsCertificateConfig.Static config = files(leaf.certificatePem(), other.keyPem());

    assertThatThrownBy(() -> PemLoader.certificate(config, Ticker.SYSTEM))
        .isInstanceOf(TlsMaterialException.class)
        .hasMessageContaining("private key file " + dir.resolve("key.pem"))
        .hasMessageContaining("does not match the certificate 'O=Sluice Test,CN=web'")
        .hasMessageContaining("in file " + dir.resolve("cert.pem"));
  }

  @Test
  void keyOfAnotherAlgorithmIsRefused() throws Exception {
    TestPki.Issued rsa = TestPki.rsaLeaf(ca, "rsa", List.of());
    assertThatThrownBy(() -> PemLoader.certificate(files(leaf.certificatePem(), rsa.keyPem()), Ticker.SYSTEM))
        .hasMessageContaining("RSA key for a EC certificate");
  }

  @Test
  void unreadableAndNonPemFilesAreNamed() throws Exception {
    TlsCertificateConfig.Static missing = new TlsCertificateConfig.Static(
        new DataSource.Filename(dir.resolve("absent.pem").toString()), new DataSource.InlineString(leaf.keyPem()));
    assertThatThrownBy(() -> PemLoader.certificate(missing, Ticker.SYSTEM))
        .hasMessageContaining("cannot read file " + dir.resolve("absent.pem"))
        .hasMessageContaining("NoSuchFileException");

    assertThatThrownBy(() -> PemLoader.certificate(files("this is not a certificate", leaf.keyPem()), Ticker.SYSTEM))
        .hasMessageContaining("file " + dir.resolve("cert.pem") + " holds no PEM CERTIFICATE block (it is not PEM)");

    assertThatThrownBy(() -> PemLoader.certificate(files(leaf.certificatePem(), leaf.certificatePem()), Ticker.SYSTEM))
        .hasMessageContaining("file " + dir.resolve("key.pem") + " holds no PEM private key");

    String truncated = leaf.certificatePem().substring(0, leaf.certificatePem().length() / 2);
    assertThatThrownBy(() -> PemLoader.certificate(files(truncated, leaf.keyPem()), Ticker.SYSTEM))
        .hasMessageContaining("without its END line");
  }

  @Test
  void emptyCaBundleIsRefused() {
    assertThatThrownBy(() -> PemLoader.trustBundle("\n".getBytes(StandardCharsets.US_ASCII), "sds secret 'ROOTCA'", Ticker.SYSTEM))
        .hasMessage("trusted CA bundle sds secret 'ROOTCA' holds no certificates (it is not PEM)");
    assertThatThrownBy(() -> PemLoader.trustBundle(leaf.keyPem().getBytes(StandardCharsets.US_ASCII), "file ca.pem", Ticker.SYSTEM))
        .hasMessage("trusted CA bundle file ca.pem holds no certificates");
  }

  @Test
  void expiredAndNotYetValidCertificatesLoadWithAWarningThatSaysSo() {
    Instant now = Instant.now();
    TestPki.Issued expired = TestPki.leaf(ca, "old", List.of(), List.of(), now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)));
    TestPki.Issued future = TestPki.leaf(ca, "new", List.of(), List.of(), now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(3)));

    CertificateMaterial old = PemLoader.certificate(TlsFixtures.inline(expired), Ticker.SYSTEM);
    CertificateMaterial early = PemLoader.certificate(TlsFixtures.inline(future), Ticker.SYSTEM);

    assertThat(old.warnings()).singleElement().asString().contains("'O=Sluice Test,CN=old'").contains("expired at")
        .contains("inline string");
    assertThat(early.warnings()).singleElement().asString().contains("is not valid before");
    assertThat(PemLoader.certificate(TlsFixtures.inline(leaf), Ticker.SYSTEM).warnings()).isEmpty();
  }

  @Test
  void traditionalOpenSslKeyEncodingsLoad() {
    TestPki.Issued rsa = TestPki.rsaLeaf(ca, "rsa", List.of("rsa.example.com"));
    assertThat(rsa.traditionalKeyPem()).contains("BEGIN RSA PRIVATE KEY");
    assertThat(leaf.traditionalKeyPem()).contains("BEGIN EC PRIVATE KEY");

    CertificateMaterial pkcs1 = PemLoader.certificate(rsa.certificatePem().getBytes(StandardCharsets.US_ASCII), "cert",
        rsa.traditionalKeyPem().getBytes(StandardCharsets.US_ASCII), "key", Ticker.SYSTEM);
    CertificateMaterial sec1 = PemLoader.certificate(leaf.certificatePem().getBytes(StandardCharsets.US_ASCII), "cert",
        leaf.traditionalKeyPem().getBytes(StandardCharsets.US_ASCII), "key", Ticker.SYSTEM);

    CertificateMaterial sec1WithCurve = PemLoader.certificate(leaf.certificatePem().getBytes(StandardCharsets.US_ASCII),
        "cert", leaf.sec1WithCurvePem().getBytes(StandardCharsets.US_ASCII), "key", Ticker.SYSTEM);

    assertThat(scalar(sec1WithCurve)).isEqualTo(scalar(sec1));
    assertThat(pkcs1.privateKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(sec1.privateKey().getAlgorithm()).isEqualTo("EC");
    assertThat(scalar(sec1)).isEqualTo(((ECPrivateKey) leaf.keyPair().getPrivate()).getS());
  }

  private static java.math.BigInteger scalar(CertificateMaterial material) {
    return ((ECPrivateKey) material.privateKey()).getS();
  }

  @Test
  void chainsKeepTheirOrderAndFingerprintsFollowContent() {
    byte[] chain = (leaf.certificatePem() + ca.certificatePem()).getBytes(StandardCharsets.US_ASCII);
    byte[] key = leaf.keyPem().getBytes(StandardCharsets.US_ASCII);
    CertificateMaterial one = PemLoader.certificate(chain, "a", key, "b", Ticker.SYSTEM);
    CertificateMaterial two = PemLoader.certificate(chain, "c", key, "d", Ticker.SYSTEM);

    assertThat(one.chain()).extracting(c -> c.getSerialNumber()).containsExactly(leaf.serial(), ca.serial());
    assertThat(one.fingerprint()).isEqualTo(two.fingerprint());
    assertThat(one.toString()).doesNotContain("PRIVATE");
  }
}
