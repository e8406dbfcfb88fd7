package dev.sluice.config;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Envoy's {@code UpstreamTlsContext}: a cluster originating TLS. As in Envoy, the server certificate
 * is verified only when a trusted CA is configured.
 *
 * @param sni server name sent in the ClientHello; empty for none
 * @param autoHostSni send the upstream host's name as SNI instead (the caller supplies it)
 * @param autoSniSanValidation check the server certificate against the SNI actually sent (a DNS
 *     SAN match) instead of the configured SAN matchers
 * @param maxSessionKeys sessions kept for resumption; Envoy's default is 1, and 0 disables resumption
 */
public record UpstreamTlsConfig(
    CommonTlsConfig commonTlsContext,
    String sni,
    boolean autoHostSni,
    boolean autoSniSanValidation,
    int maxSessionKeys) {

  public static final int DEFAULT_MAX_SESSION_KEYS = 1;

  public UpstreamTlsConfig {
    Objects.requireNonNull(commonTlsContext, "common_tls_context");
    Objects.requireNonNull(sni, "sni");
    if (sni.getBytes(StandardCharsets.UTF_8).length > 255) {
      throw new IllegalArgumentException("sni is longer than 255 bytes");
    }
    if (maxSessionKeys < 0) {
      throw new IllegalArgumentException("max_session_keys must not be negative: " + maxSessionKeys);
    }
    if (autoSniSanValidation && commonTlsContext.validationContext() == null) {
      throw new IllegalArgumentException("auto_sni_san_validation requires a validation context with trusted_ca");
    }
  }

  /** A client context with Envoy's defaults and the given SNI. */
  public static UpstreamTlsConfig of(CommonTlsConfig common, String sni) {
    return new UpstreamTlsConfig(common, sni, false, false, DEFAULT_MAX_SESSION_KEYS);
  }
}
