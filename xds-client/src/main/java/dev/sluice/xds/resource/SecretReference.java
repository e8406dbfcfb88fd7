package dev.sluice.xds.resource;

import java.time.Duration;
import java.util.Objects;

/**
 * A TLS context's reference to a secret through an {@code SdsSecretConfig}, with the path of its
 * {@code name}. Without {@code sds_config} the secret is one of the bootstrap's
 * {@code static_resources.secrets}; with {@code sds_config: {ads: {}}} it is fetched over the ADS
 * stream, and what references it warms until it arrives or {@code initialFetchTimeout} passes
 * ({@link Duration#ZERO}: no limit).
 */
public record SecretReference(String path, String name, Kind kind, boolean ads, Duration initialFetchTimeout) {

  /** What the secret must hold. */
  public enum Kind {
    /** {@code tls_certificate_sds_secret_configs}: a {@code tls_certificate}. */
    TLS_CERTIFICATE,
    /** {@code validation_context_sds_secret_config}: a {@code validation_context} with a trusted CA. */
    VALIDATION_CONTEXT
  }

  public SecretReference {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(initialFetchTimeout, "initialFetchTimeout");
  }
}
