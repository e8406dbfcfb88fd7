package dev.sluice.config;

import java.util.Objects;

/**
 * The certificate a TLS context presents: Envoy's {@code TlsCertificate} (chain and key given
 * directly) or one of its {@code tls_certificate_sds_secret_configs} (a secret fetched by name).
 */
public sealed interface TlsCertificateConfig {

  /** Envoy's {@code TlsCertificate}: a PEM certificate chain (leaf first) and its PEM private key. */
  record Static(DataSource certificateChain, DataSource privateKey) implements TlsCertificateConfig {
    public Static {
      Objects.requireNonNull(certificateChain, "certificate_chain");
      Objects.requireNonNull(privateKey, "private_key");
    }
  }

  /** Envoy's {@code SdsSecretConfig}: the certificate arrives later as the secret {@code secretName}. */
  record Sds(String secretName) implements TlsCertificateConfig {
    public Sds {
      Objects.requireNonNull(secretName, "name");
      if (secretName.isEmpty()) {
        throw new IllegalArgumentException("SDS secret name must not be empty");
      }
    }
  }
}
