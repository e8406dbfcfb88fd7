package dev.sluice.tls;

import java.security.cert.X509Certificate;
import java.util.List;

/** Parsed trusted CA certificates (never empty), where they came from and a content fingerprint. */
public final class TrustBundle {
  private final List<X509Certificate> certificates;
  private final String origin;
  private final String fingerprint;
  private final List<String> warnings;

  TrustBundle(List<X509Certificate> certificates, String origin, String fingerprint, List<String> warnings) {
    this.certificates = List.copyOf(certificates);
    this.origin = origin;
    this.fingerprint = fingerprint;
    this.warnings = List.copyOf(warnings);
  }

  public List<X509Certificate> certificates() {
    return certificates;
  }

  public String origin() {
    return origin;
  }

  public String fingerprint() {
    return fingerprint;
  }

  /** Problems worth a warning (an expired CA) that do not stop the bundle from being used. */
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public String toString() {
    return "TrustBundle[" + certificates.size() + " CA(s) from " + origin + "]";
  }
}
