package dev.sluice.tls;

import dev.sluice.common.Ticker;
import dev.sluice.config.DataSource;
import dev.sluice.config.TlsCertificateConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads and checks PEM certificates, keys and CA bundles. Every error names the file or secret at
 * fault: unreadable, not PEM, no certificate, an empty CA bundle, or a key that does not belong to
 * its certificate (proven by signing a random probe and verifying it with the certificate's
 * public key). Certificates outside their validity period load with a warning, as Envoy loads them:
 * peers are the ones that refuse them.
 */
public final class PemLoader {
  private static final SecureRandom RANDOM = new SecureRandom();

  private PemLoader() {}

  /** The bytes behind {@code source}. */
  public static byte[] read(DataSource source) {
    if (source instanceof DataSource.Filename file) {
      return readFile(Path.of(file.path()), source.describe());
    }
    if (source instanceof DataSource.InlineString inline) {
      return inline.value().getBytes(StandardCharsets.UTF_8);
    }
    return ((DataSource.InlineBytes) source).value();
  }

  static byte[] readFile(Path path, String origin) {
    try {
      return Files.readAllBytes(path);
    } catch (IOException | SecurityException e) {
      throw new TlsMaterialException("cannot read " + origin + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }
  }

  /** Loads a {@code TlsCertificate} given directly. */
  public static CertificateMaterial certificate(TlsCertificateConfig.Static config, Ticker ticker) {
    return certificate(read(config.certificateChain()), config.certificateChain().describe(),
        read(config.privateKey()), config.privateKey().describe(), ticker);
  }

  /**
   * Parses and checks a chain and its key.
   *
   * @param chainOrigin names the chain in messages, e.g. {@code file /etc/certs/cert.pem} or {@code sds secret 'default'}
   */
  public static CertificateMaterial certificate(byte[] chainPem, String chainOrigin, byte[] keyPem, String keyOrigin,
      Ticker ticker) {
    List<X509Certificate> chain = certificates(chainPem, chainOrigin);
    PrivateKey key = PrivateKeys.parse(PemBlocks.parse(keyPem, keyOrigin), keyOrigin);
    X509Certificate leaf = chain.get(0);
    checkKeyMatches(key, leaf, keyOrigin, chainOrigin);
    List<String> warnings = new ArrayList<>();
    for (X509Certificate certificate : chain) {
      validityWarning(certificate, chainOrigin, ticker, warnings);
    }
    String origin = chainOrigin.equals(keyOrigin) ? chainOrigin : chainOrigin + " + " + keyOrigin;
    List<byte[]> parts = new ArrayList<>();
    for (X509Certificate certificate : chain) {
      parts.add(encoded(certificate));
    }
    parts.add(key.getEncoded());
    return new CertificateMaterial(chain, key, origin, fingerprint(parts), warnings);
  }

  /** Loads a CA bundle. */
  public static TrustBundle trustBundle(DataSource source, Ticker ticker) {
    return trustBundle(read(source), source.describe(), ticker);
  }

  /** Parses a CA bundle; refuses one without certificates. */
  public static TrustBundle trustBundle(byte[] pem, String origin, Ticker ticker) {
    List<PemBlocks.Block> blocks = PemBlocks.parse(pem, origin);
    if (blocks.stream().noneMatch(b -> b.label().equals("CERTIFICATE"))) {
      throw new TlsMaterialException("trusted CA bundle " + origin + " holds no certificates"
          + (blocks.isEmpty() ? " (it is not PEM)" : ""));
    }
    List<X509Certificate> cas = certificates(pem, origin);
    List<String> warnings = new ArrayList<>();
    List<byte[]> parts = new ArrayList<>();
    for (X509Certificate ca : cas) {
      validityWarning(ca, origin, ticker, warnings);
      parts.add(encoded(ca));
    }
    return new TrustBundle(cas, origin, fingerprint(parts), warnings);
  }

  private static List<X509Certificate> certificates(byte[] pem, String origin) {
    List<PemBlocks.Block> blocks = PemBlocks.parse(pem, origin);
    List<X509Certificate> certificates = new ArrayList<>();
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("X.509 is mandatory in every JDK", e);
    }
    for (PemBlocks.Block block : blocks) {
      if (!block.label().equals("CERTIFICATE")) {
        continue;
      }
      try {
        certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
      } catch (CertificateException e) {
        throw new TlsMaterialException(origin + " holds certificate #" + (certificates.size() + 1)
            + " that is not valid X.509: " + e.getMessage(), e);
      }
    }
    if (certificates.isEmpty()) {
      throw new TlsMaterialException(origin + " holds no PEM CERTIFICATE block" + (blocks.isEmpty() ? " (it is not PEM)" : ""));
    }
    return certificates;
  }

  private static void checkKeyMatches(PrivateKey key, X509Certificate leaf, String keyOrigin, String chainOrigin) {
    PublicKey publicKey = leaf.getPublicKey();
    if (!publicKey.getAlgorithm().equals(key.getAlgorithm())) {
      throw mismatch(keyOrigin, chainOrigin, leaf, key.getAlgorithm() + " key for a " + publicKey.getAlgorithm() + " certificate");
    }
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "Ed448" -> key.getAlgorithm();
      default -> null;
    };
    if (algorithm == null) {
      return; // RSASSA-PSS keys need parameters to sign with; the handshake itself will catch a mismatch.
    }
    byte[] probe = new byte[32];
    RANDOM.nextBytes(probe);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw mismatch(keyOrigin, chainOrigin, leaf, "a probe signed with the key does not verify with the certificate");
      }
    } catch (GeneralSecurityException e) {
      throw mismatch(keyOrigin, chainOrigin, leaf, e.getMessage());
    }
  }

  private static TlsMaterialException mismatch(String keyOrigin, String chainOrigin, X509Certificate leaf, String why) {
    return new TlsMaterialException("private key " + keyOrigin + " does not match the certificate '"
        + leaf.getSubjectX500Principal().getName() + "' (serial " + leaf.getSerialNumber().toString(16) + ") in "
        + chainOrigin + ": " + why);
  }

  private static void validityWarning(X509Certificate certificate, String origin, Ticker ticker, List<String> warnings) {
    Date now = new Date(ticker.currentTimeMillis());
    String who = "certificate '" + certificate.getSubjectX500Principal().getName() + "' (serial "
        + certificate.getSerialNumber().toString(16) + ") in " + origin;
    if (now.after(certificate.getNotAfter())) {
      warnings.add(who + " expired at " + certificate.getNotAfter().toInstant() + "; peers will refuse it");
    } else if (now.before(certificate.getNotBefore())) {
      warnings.add(who + " is not valid before " + certificate.getNotBefore().toInstant() + "; peers will refuse it");
    }
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateException e) {
      throw new TlsMaterialException("certificate '" + certificate.getSubjectX500Principal().getName()
          + "' cannot be re-encoded: " + e.getMessage(), e);
    }
  }

  private static String fingerprint(List<byte[]> parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        digest.update(part);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
    }
  }
}
