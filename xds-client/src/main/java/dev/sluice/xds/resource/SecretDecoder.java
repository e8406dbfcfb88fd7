package dev.sluice.xds.resource;

import dev.sluice.config.DataSource;
import dev.sluice.config.SecretConfig;
import dev.sluice.config.TlsCertificateConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes a {@code Secret}, from SDS or the bootstrap's {@code static_resources.secrets}: a
 * {@code tls_certificate} (chain and key) or a {@code validation_context} (trusted CA), each a
 * file name or inline PEM as in a TLS context. Also checks the secret references that TLS
 * contexts recorded against the static secrets.
 */
public final class SecretDecoder {
  private static final Set<String> FIELDS = Set.of("name", "tls_certificate", "validation_context");
  private static final Set<String> VALIDATION_FIELDS = Set.of("trusted_ca");

  private SecretDecoder() {}

  /** Decodes {@code secret} at {@code path}; empty when an error was recorded. */
  public static Optional<SecretConfig> decode(Secret secret, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(secret, path, ctx, FIELDS);
    if (secret.getName().isEmpty()) {
      ctx.error(FieldPath.child(path, "name"), "a secret needs a name");
    }
    TlsCertificateConfig.Static certificate = null;
    DataSource trustedCa = null;
    switch (secret.getTypeCase()) {
      case TLS_CERTIFICATE -> certificate = TlsContextDecoder.tlsCertificate(secret.getTlsCertificate(),
          FieldPath.child(path, "tls_certificate"), ctx);
      case VALIDATION_CONTEXT -> {
        CertificateValidationContext validation = secret.getValidationContext();
        String vPath = FieldPath.child(path, "validation_context");
        FieldRules.check(validation, vPath, ctx, VALIDATION_FIELDS);
        String caPath = FieldPath.child(vPath, "trusted_ca");
        if (validation.hasTrustedCa()) {
          trustedCa = TlsContextDecoder.dataSource(validation.getTrustedCa(), caPath, ctx);
        } else {
          ctx.error(caPath, "is required");
        }
      }
      case TYPE_NOT_SET -> ctx.error(path, "a secret needs tls_certificate or validation_context");
      default -> { } // session ticket keys, generic secrets: reported by the field check
    }
    if (ctx.errorCount() != before) {
      return Optional.empty();
    }
    return Optional.of(new SecretConfig(secret.getName(), certificate, trustedCa));
  }

  /**
   * Checks the secret references recorded in {@code ctx}: one without {@code sds_config} must name
   * a static secret of the right kind (Envoy: "Unknown static secret"), and one fetched over ADS
   * must not take a static secret's name, which the snapshot's single secret namespace could not
   * tell apart. {@code defined} holds every static secret name, also of secrets that failed to
   * decode, so that one broken secret is reported once.
   */
  public static void checkReferences(DecodeContext ctx, Set<String> defined, Map<String, SecretConfig> decoded) {
    for (SecretReference ref : ctx.secretReferences()) {
      if (ref.ads()) {
        if (defined.contains(ref.name())) {
          ctx.error(ref.path(), "secret '" + ref.name() + "' is a static secret (static_resources.secrets);"
              + " omit sds_config to use it, or give the secret fetched over ADS another name");
        }
        continue;
      }
      if (!defined.contains(ref.name())) {
        ctx.error(ref.path(), "unknown static secret '" + ref.name() + "': no secret of that name is defined in"
            + " static_resources.secrets (add sds_config: {ads: {}} to fetch it over ADS)");
        continue;
      }
      SecretConfig secret = decoded.get(ref.name());
      if (secret == null) {
        continue;
      }
      if (ref.kind() == SecretReference.Kind.TLS_CERTIFICATE && secret.tlsCertificate() == null) {
        ctx.error(ref.path(), "static secret '" + ref.name() + "' has no tls_certificate");
      } else if (ref.kind() == SecretReference.Kind.VALIDATION_CONTEXT && secret.trustedCa() == null) {
        ctx.error(ref.path(), "static secret '" + ref.name() + "' has no validation_context");
      }
    }
  }
}
