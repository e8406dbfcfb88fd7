package dev.sluice.xds.resource;

import dev.sluice.config.DataSource;
import dev.sluice.config.SecretConfig;
import dev.sluice.config.TlsCertificateConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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
   * decode, so that one broken secret is reported once. References to files are checked with
   * {@code files}, see {@link #checkFileReferences}.
   */
  public static void checkReferences(DecodeContext ctx, Set<String> defined, Map<String, SecretConfig> decoded,
      SecretFileReader files) {
    checkStaticAndAdsReferences(ctx, defined, decoded);
    checkFileReferences(ctx, defined, files);
  }

  /**
   * {@link #checkReferences} for resources from a management server, which cannot name secret
   * files (the TLS decoder rejects those).
   */
  public static void checkReferences(DecodeContext ctx, Set<String> defined, Map<String, SecretConfig> decoded) {
    checkStaticAndAdsReferences(ctx, defined, decoded);
  }

  private static void checkStaticAndAdsReferences(DecodeContext ctx, Set<String> defined,
      Map<String, SecretConfig> decoded) {
    for (SecretReference ref : ctx.secretReferences()) {
      if (ref.file().isPresent()) {
        continue;
      }
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

  /**
   * Checks the references to secrets read from files, reading each file once, as Envoy does when it
   * loads a bootstrap: the file must exist and parse, and hold a secret of the name and kind. All
   * secrets share one namespace (TLS contexts name them by name only), so a file secret must not
   * take the name of a static secret, of a secret fetched over ADS, or of the same name read from
   * another file.
   */
  private static void checkFileReferences(DecodeContext ctx, Set<String> defined, SecretFileReader files) {
    Set<String> adsNames = new HashSet<>();
    for (SecretReference ref : ctx.secretReferences()) {
      if (ref.ads()) {
        adsNames.add(ref.name());
      }
    }
    Map<Path, SecretFileReader.Result> read = new HashMap<>();
    Set<Path> reported = new HashSet<>();
    Map<String, Path> fileOfName = new HashMap<>();
    for (SecretReference ref : ctx.secretReferences()) {
      if (ref.file().isEmpty()) {
        continue;
      }
      SecretReference.FileSource source = ref.file().get();
      Path file = source.file();
      if (defined.contains(ref.name())) {
        ctx.error(ref.path(), "secret '" + ref.name() + "' is a static secret (static_resources.secrets) and is"
            + " also to be read from " + file + "; give one of them another name");
        continue;
      }
      if (adsNames.contains(ref.name())) {
        ctx.error(ref.path(), "secret '" + ref.name() + "' is to be read from " + file + " here and fetched over ADS"
            + " elsewhere; give one of them another name");
        continue;
      }
      Path other = fileOfName.putIfAbsent(ref.name(), file);
      if (other != null && !other.equals(file)) {
        ctx.error(ref.path(), "secret '" + ref.name() + "' is to be read from " + file + " here and from " + other
            + " elsewhere; give one of them another name");
        continue;
      }
      SecretFileReader.Result result = read.computeIfAbsent(file, files::read);
      if (!result.ok()) {
        if (reported.add(file)) {
          ctx.error(source.path(), "cannot use the secret file: " + String.join("; ", result.errors()));
        }
        continue;
      }
      SecretConfig secret = result.secrets().get(ref.name());
      if (secret == null) {
        ctx.error(ref.path(), "secret file " + file + " has no secret named '" + ref.name() + "' (it holds: "
            + new TreeSet<>(result.secrets().keySet()) + ")");
      } else if (ref.kind() == SecretReference.Kind.TLS_CERTIFICATE && secret.tlsCertificate() == null) {
        ctx.error(ref.path(), "secret '" + ref.name() + "' of " + file + " has no tls_certificate");
      } else if (ref.kind() == SecretReference.Kind.VALIDATION_CONTEXT && secret.trustedCa() == null) {
        ctx.error(ref.path(), "secret '" + ref.name() + "' of " + file + " has no validation_context");
      }
    }
  }
}
