package dev.sluice.tls;

import dev.sluice.config.SecretConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the secrets of each configuration snapshot (SDS over ADS, or the bootstrap's static
 * secrets) into the registry's SDS sources, so that every TLS context naming a secret rotates when
 * it changes. Only secrets that differ from the last publication are parsed and pushed; a secret
 * that cannot be parsed is reported to its watchers, which keep their last good material.
 *
 * <p>A secret whose PEM names a file is read when the secret arrives; a later change of that file
 * alone is not noticed (the control plane sends a new secret, or the file is named in the TLS
 * context directly, where it is watched).
 *
 * <p>Secrets that disappear are not withdrawn: contexts keep their material, as Envoy's do while a
 * listener still references the name.
 */
public final class SecretPublisher {
  private static final Logger log = LoggerFactory.getLogger(SecretPublisher.class);

  private final CertificateSourceRegistry registry;
  private final Map<String, SecretConfig> published = new HashMap<>();

  public SecretPublisher(CertificateSourceRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Pushes every secret of {@code secrets} that is new or changed; returns how many were pushed. */
  public synchronized int publish(Map<String, SecretConfig> secrets) {
    int pushed = 0;
    for (SecretConfig secret : secrets.values()) {
      if (secret.equals(published.get(secret.name()))) {
        continue;
      }
      published.put(secret.name(), secret);
      pushed++;
      if (secret.tlsCertificate() != null) {
        SdsCertificateSource<CertificateMaterial> source = registry.sdsCertificate(secret.name());
        try {
          source.push(PemLoader.certificate(secret.tlsCertificate(), registry.ticker()));
          log.info("secret '{}': certificate updated", secret.name());
        } catch (TlsMaterialException e) {
          log.warn("secret '{}': {}", secret.name(), e.getMessage());
          source.pushError("secret '" + secret.name() + "': " + e.getMessage());
        }
      }
      if (secret.trustedCa() != null) {
        SdsCertificateSource<TrustBundle> source = registry.sdsTrustedCa(secret.name());
        try {
          source.push(PemLoader.trustBundle(secret.trustedCa(), registry.ticker()));
          log.info("secret '{}': trusted CA updated", secret.name());
        } catch (TlsMaterialException e) {
          log.warn("secret '{}': {}", secret.name(), e.getMessage());
          source.pushError("secret '" + secret.name() + "': " + e.getMessage());
        }
      }
    }
    return pushed;
  }
}
