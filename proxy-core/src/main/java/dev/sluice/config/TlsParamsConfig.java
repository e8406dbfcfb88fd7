package dev.sluice.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Envoy's {@code TlsParameters}: protocol range, TLS 1.0-1.2 cipher suites and ECDH curves.
 * Unset values ({@link TlsProtocol#TLS_AUTO}, empty lists) take Envoy's defaults from
 * {@code common.proto}: TLS 1.2 minimum for clients and servers, TLS 1.3 maximum for servers and
 * TLS 1.2 for clients; ECDHE with AEAD ciphers only; curves X25519 and P-256.
 *
 * <p>Cipher suites use OpenSSL names as Envoy does. BoringSSL's equal-preference groups
 * ({@code [A|B]}) are accepted; {@link #cipherSuitesInOrder()} flattens them in the order written.
 */
public record TlsParamsConfig(
    TlsProtocol minimumProtocolVersion,
    TlsProtocol maximumProtocolVersion,
    List<String> cipherSuites,
    List<String> ecdhCurves) {

  /** Envoy's {@code TlsParameters.TlsProtocol}, in ascending order. */
  public enum TlsProtocol {
    TLS_AUTO,
    TLSv1_0,
    TLSv1_1,
    TLSv1_2,
    TLSv1_3
  }

  /**
   * Envoy's non-FIPS default list for servers and clients alike: forward secrecy (ECDHE) and AEAD
   * only, so no CBC and no static-RSA key exchange, which Netty's own default would still offer.
   */
  public static final List<String> DEFAULT_CIPHER_SUITES = List.of(
      "[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]",
      "[ECDHE-RSA-AES128-GCM-SHA256|ECDHE-RSA-CHACHA20-POLY1305]",
      "ECDHE-ECDSA-AES256-GCM-SHA384",
      "ECDHE-RSA-AES256-GCM-SHA384");

  /** Envoy's non-FIPS default curves. */
  public static final List<String> DEFAULT_ECDH_CURVES = List.of("X25519", "P-256");

  /** Every field unset: Envoy's defaults throughout. */
  public static final TlsParamsConfig DEFAULT =
      new TlsParamsConfig(TlsProtocol.TLS_AUTO, TlsProtocol.TLS_AUTO, List.of(), List.of());

  public TlsParamsConfig {
    Objects.requireNonNull(minimumProtocolVersion, "tls_minimum_protocol_version");
    Objects.requireNonNull(maximumProtocolVersion, "tls_maximum_protocol_version");
    cipherSuites = List.copyOf(cipherSuites);
    ecdhCurves = List.copyOf(ecdhCurves);
    if (minimumProtocolVersion != TlsProtocol.TLS_AUTO && maximumProtocolVersion != TlsProtocol.TLS_AUTO
        && minimumProtocolVersion.compareTo(maximumProtocolVersion) > 0) {
      throw new IllegalArgumentException("tls_minimum_protocol_version " + minimumProtocolVersion
          + " is above tls_maximum_protocol_version " + maximumProtocolVersion);
    }
    for (String suite : cipherSuites) {
      checkCipherEntry(suite);
    }
    for (String curve : ecdhCurves) {
      if (curve.isBlank() || curve.indexOf(':') >= 0) {
        throw new IllegalArgumentException("ecdh_curves entry '" + curve + "' must be one non-empty curve name");
      }
    }
  }

  /** The minimum version in force: TLS 1.2 when unset, for servers and clients. */
  public TlsProtocol effectiveMinimum() {
    return minimumProtocolVersion == TlsProtocol.TLS_AUTO ? TlsProtocol.TLSv1_2 : minimumProtocolVersion;
  }

  /**
   * The maximum version in force: TLS 1.3 for servers and TLS 1.2 for clients when unset, but never
   * below a configured minimum (a client asking for a TLS 1.3 minimum gets TLS 1.3).
   */
  public TlsProtocol effectiveMaximum(boolean server) {
    if (maximumProtocolVersion != TlsProtocol.TLS_AUTO) {
      return maximumProtocolVersion;
    }
    TlsProtocol fallback = server ? TlsProtocol.TLSv1_3 : TlsProtocol.TLSv1_2;
    return effectiveMinimum().compareTo(fallback) > 0 ? effectiveMinimum() : fallback;
  }

  /** True when no cipher list is configured and {@link #DEFAULT_CIPHER_SUITES} applies. */
  public boolean usesDefaultCipherSuites() {
    return cipherSuites.isEmpty();
  }

  /** The configured (or default) cipher suites with equal-preference groups flattened, in order. */
  public List<String> cipherSuitesInOrder() {
    List<String> flat = new ArrayList<>();
    for (String entry : cipherSuites.isEmpty() ? DEFAULT_CIPHER_SUITES : cipherSuites) {
      if (entry.startsWith("[")) {
        int start = 1;
        for (int i = 1; i < entry.length(); i++) {
          char c = entry.charAt(i);
          if (c == '|' || c == ']') {
            flat.add(entry.substring(start, i));
            start = i + 1;
          }
        }
      } else {
        flat.add(entry);
      }
    }
    return List.copyOf(flat);
  }

  /** The configured (or default) ECDH curves. */
  public List<String> effectiveEcdhCurves() {
    return ecdhCurves.isEmpty() ? DEFAULT_ECDH_CURVES : ecdhCurves;
  }

  private static void checkCipherEntry(String entry) {
    if (entry.isBlank() || entry.indexOf(':') >= 0 || entry.indexOf(' ') >= 0) {
      throw new IllegalArgumentException("cipher_suites entry '" + entry + "' must be one cipher name or one [A|B] group");
    }
    boolean group = entry.startsWith("[");
    if (group != entry.endsWith("]")) {
      throw new IllegalArgumentException("cipher_suites entry '" + entry + "' has an unbalanced bracket");
    }
    if (group) {
      String inner = entry.substring(1, entry.length() - 1);
      if (inner.isEmpty() || inner.startsWith("|") || inner.endsWith("|") || inner.contains("||")
          || inner.indexOf('[') >= 0 || inner.indexOf(']') >= 0) {
        throw new IllegalArgumentException("cipher_suites group '" + entry + "' must be [A|B|...] with non-empty names");
      }
    } else if (entry.indexOf('|') >= 0 || entry.indexOf(']') >= 0) {
      throw new IllegalArgumentException("cipher_suites entry '" + entry + "' is malformed");
    }
  }
}
