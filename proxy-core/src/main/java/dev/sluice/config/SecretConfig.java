package dev.sluice.config;

import java.util.Objects;

/**
 * A named secret as SDS (or the bootstrap's {@code static_resources.secrets}) delivers it: a
 * certificate with its key, or a CA bundle for validation. TLS contexts name secrets through
 * {@link TlsCertificateConfig.Sds} and {@link CertificateValidationConfig.TrustedCa.Sds}.
 *
 * @param tlsCertificate the certificate chain and key, or {@code null}
 * @param trustedCa the PEM CA bundle, or {@code null}
 */
public record SecretConfig(String name, TlsCertificateConfig.Static tlsCertificate, DataSource trustedCa) {
  public SecretConfig {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("secret name must not be empty");
    }
    if (tlsCertificate == null && trustedCa == null) {
      throw new IllegalArgumentException("secret '" + name + "' has neither tls_certificate nor validation_context");
    }
  }
}
