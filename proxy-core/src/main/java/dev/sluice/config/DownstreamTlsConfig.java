package dev.sluice.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Envoy's {@code DownstreamTlsContext}: a listener terminating TLS. A server needs a certificate.
 *
 * <p>Client certificates follow Envoy: requested and verified when a trusted CA is configured,
 * required when {@code require_client_certificate} is set or SAN matchers are configured.
 * Session resumption follows Envoy too: stateless tickets on (an internal key that does not
 * survive restarts and is not shared between hosts) unless
 * {@code disable_stateless_session_resumption}; the TLS 1.2 session cache on unless
 * {@code disable_stateful_session_resumption}.
 *
 * @param sessionTimeout lifetime of resumable sessions, or {@code null} for the library default
 */
public record DownstreamTlsConfig(
    CommonTlsConfig commonTlsContext,
    boolean requireClientCertificate,
    boolean disableStatelessSessionResumption,
    boolean disableStatefulSessionResumption,
    Duration sessionTimeout) {

  public DownstreamTlsConfig {
    Objects.requireNonNull(commonTlsContext, "common_tls_context");
    if (commonTlsContext.certificate() == null) {
      throw new IllegalArgumentException("a downstream TLS context needs a certificate (tls_certificates or "
          + "tls_certificate_sds_secret_configs)");
    }
    // Envoy: session_timeout is below 2^32 seconds, and only whole seconds count.
    if (sessionTimeout != null && (sessionTimeout.isNegative() || sessionTimeout.getSeconds() >= (1L << 32))) {
      throw new IllegalArgumentException("session_timeout " + sessionTimeout + " is outside 0s..2^32s");
    }
  }

  /** A server context with Envoy's defaults: no client certificate, tickets and session cache on. */
  public static DownstreamTlsConfig of(CommonTlsConfig common) {
    return new DownstreamTlsConfig(common, false, false, false, null);
  }

  /** True when a client certificate must be presented (Envoy also requires one when SANs are matched). */
  public boolean clientCertificateRequired() {
    CertificateValidationConfig validation = commonTlsContext.validationContext();
    return requireClientCertificate || (validation != null && !validation.matchTypedSubjectAltNames().isEmpty());
  }
}
