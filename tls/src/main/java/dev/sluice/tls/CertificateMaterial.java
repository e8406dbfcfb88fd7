package dev.sluice.tls;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A parsed, checked certificate chain (leaf first) and its private key, with where they came from.
 * The fingerprint (SHA-256 over the chain and the key) identifies the content for context sharing
 * and is safe to log; {@code toString()} never shows the key.
 */
public final class CertificateMaterial {
  private final List<X509Certificate> chain;
  private final PrivateKey privateKey;
  private final String origin;
  private final String fingerprint;
  private final List<String> warnings;

  CertificateMaterial(List<X509Certificate> chain, PrivateKey privateKey, String origin, String fingerprint,
      List<String> warnings) {
    this.chain = List.copyOf(chain);
    this.privateKey = privateKey;
    this.origin = origin;
    this.fingerprint = fingerprint;
    this.warnings = List.copyOf(warnings);
  }

  public List<X509Certificate> chain() {
    return chain;
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /** Where the material came from, e.g. {@code file /etc/certs/cert-chain.pem + file /etc/certs/key.pem}. */
  public String origin() {
    return origin;
  }

  public String fingerprint() {
    return fingerprint;
  }

  public BigInteger serial() {
    return leaf().getSerialNumber();
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /** Problems worth a warning that do not stop the certificate from being served (expired, not yet valid). */
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public String toString() {
    return "CertificateMaterial[" + leaf().getSubjectX500Principal().getName() + ", serial " + serial().toString(16)
        + ", from " + origin + "]";
  }
}
