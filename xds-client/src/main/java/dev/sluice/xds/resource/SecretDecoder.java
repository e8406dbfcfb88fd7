package dev.sluice.xds.resource;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes an SDS {@code Secret}: a {@code tls_certificate} (chain and key) or a
 * {@code validation_context} (trusted CA), each given inline. A file name would be read on the
 * proxy's host, which a management server cannot know about, so it is refused.
 */
public final class SecretDecoder {
  private static final Set<String> FIELDS = Set.of("name", "tls_certificate", "validation_context");
  private static final Set<String> TLS_CERTIFICATE_FIELDS = Set.of("certificate_chain", "private_key");
  private static final Set<String> VALIDATION_FIELDS = Set.of("trusted_ca");
  private static final Set<String> DATA_SOURCE_FIELDS = Set.of("inline_bytes", "inline_string");

  private SecretDecoder() {}

  /** Decodes {@code secret} at {@code path}; empty when an error was recorded. */
  public static Optional<TlsSecret> decode(Secret secret, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(secret, path, ctx, FIELDS);
    if (secret.getName().isEmpty()) {
      ctx.error(FieldPath.child(path, "name"), "a secret needs a name");
    }
    Optional<String> chain = Optional.empty();
    Optional<String> key = Optional.empty();
    Optional<String> ca = Optional.empty();
    switch (secret.getTypeCase()) {
      case TLS_CERTIFICATE -> {
        TlsCertificate tls = secret.getTlsCertificate();
        String tlsPath = FieldPath.child(path, "tls_certificate");
        FieldRules.check(tls, tlsPath, ctx, TLS_CERTIFICATE_FIELDS);
        chain = pem(tls.hasCertificateChain(), tls.getCertificateChain(),
            FieldPath.child(tlsPath, "certificate_chain"), ctx);
        key = pem(tls.hasPrivateKey(), tls.getPrivateKey(), FieldPath.child(tlsPath, "private_key"), ctx);
      }
      case VALIDATION_CONTEXT -> {
        CertificateValidationContext validation = secret.getValidationContext();
        String vPath = FieldPath.child(path, "validation_context");
        FieldRules.check(validation, vPath, ctx, VALIDATION_FIELDS);
        ca = pem(validation.hasTrustedCa(), validation.getTrustedCa(), FieldPath.child(vPath, "trusted_ca"), ctx);
      }
      case TYPE_NOT_SET -> ctx.error(path, "a secret needs tls_certificate or validation_context");
      default -> { } // session ticket keys, generic secrets: reported by the field check
    }
    if (ctx.errorCount() != before) {
      return Optional.empty();
    }
    return Optional.of(new TlsSecret(secret.getName(), chain, key, ca));
  }

  private static Optional<String> pem(boolean present, DataSource source, String path, DecodeContext ctx) {
    if (!present) {
      ctx.error(path, "is required");
      return Optional.empty();
    }
    // The field check reports the key path only, never a key's bytes.
    FieldRules.check(source, path, ctx, DATA_SOURCE_FIELDS);
    return switch (source.getSpecifierCase()) {
      case INLINE_STRING -> Optional.of(source.getInlineString());
      case INLINE_BYTES -> {
        try {
          yield Optional.of(StandardCharsets.US_ASCII.newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(source.getInlineBytes().asReadOnlyByteBuffer())
              .toString());
        } catch (CharacterCodingException e) {
          ctx.error(path, "inline_bytes must be PEM text");
          yield Optional.empty();
        }
      }
      case SPECIFIER_NOT_SET -> {
        ctx.error(path, "inline_bytes or inline_string is required");
        yield Optional.empty();
      }
      default -> Optional.empty(); // filename, environment_variable: reported by the field check
    };
  }
}
