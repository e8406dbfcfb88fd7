package dev.sluice.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Envoy's {@code CommonTlsContext}: protocol parameters, the certificate presented, how the peer is
 * validated, and ALPN. One certificate per context for now; Envoy's multiple server certificates
 * (RSA beside ECDSA, chosen per ClientHello) are not supported and are refused here so that the
 * decoder NACKs them.
 *
 * @param validationContext how peers are validated, or {@code null} for no peer validation
 * @param alpnProtocols ALPN protocols in preference order; empty means no ALPN, Envoy's default
 *     (gateways usually set {@code h2, http/1.1})
 */
public record CommonTlsConfig(
    TlsParamsConfig tlsParams,
    List<TlsCertificateConfig> tlsCertificates,
    CertificateValidationConfig validationContext,
    List<String> alpnProtocols) {

  /** The usual ALPN list of an HTTP listener that serves both HTTP/2 and HTTP/1.1. */
  public static final List<String> HTTP_ALPN = List.of("h2", "http/1.1");

  public CommonTlsConfig {
    Objects.requireNonNull(tlsParams, "tls_params");
    tlsCertificates = List.copyOf(tlsCertificates);
    alpnProtocols = List.copyOf(alpnProtocols);
    if (tlsCertificates.size() > 1) {
      throw new IllegalArgumentException("only one TLS certificate per context is supported, got " + tlsCertificates.size());
    }
    for (String protocol : alpnProtocols) {
      // RFC 7301 section 3.1: protocol names are non-empty and at most 255 bytes.
      int length = protocol.getBytes(StandardCharsets.UTF_8).length;
      if (length == 0 || length > 255) {
        throw new IllegalArgumentException("alpn_protocols entry '" + protocol + "' must be 1..255 bytes");
      }
    }
    if (alpnProtocols.stream().distinct().count() != alpnProtocols.size()) {
      throw new IllegalArgumentException("alpn_protocols has duplicates: " + alpnProtocols);
    }
  }

  /** The single certificate, or {@code null} when none is configured. */
  public TlsCertificateConfig certificate() {
    return tlsCertificates.isEmpty() ? null : tlsCertificates.get(0);
  }
}
