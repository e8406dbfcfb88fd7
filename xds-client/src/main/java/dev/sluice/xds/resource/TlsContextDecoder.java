package dev.sluice.xds.resource;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.sluice.config.CertificateValidationConfig;
import dev.sluice.config.CertificateValidationConfig.TrustedCa;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.DataSource;
import dev.sluice.config.DownstreamTlsConfig;
import dev.sluice.config.StringMatch;
import dev.sluice.config.SubjectAltNameMatcher;
import dev.sluice.config.TlsCertificateConfig;
import dev.sluice.config.TlsParamsConfig;
import dev.sluice.config.UpstreamTlsConfig;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.PathConfigSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decodes the {@code envoy.transport_sockets.tls} transport socket: a {@code DownstreamTlsContext}
 * on a listener's filter chain, an {@code UpstreamTlsContext} on a cluster, and the
 * {@code CommonTlsContext} they share. {@code envoy.transport_sockets.raw_buffer}, Envoy's default
 * transport socket, is plaintext.
 *
 * <p>Secrets named through an {@code SdsSecretConfig} are recorded in the context as
 * {@link SecretReference}s, checked once all secrets are known: without {@code sds_config} a
 * secret of the bootstrap's {@code static_resources.secrets}, with {@code sds_config: {ads: {}}}
 * one fetched over the ADS stream, with {@code sds_config: {path_config_source: {path: FILE}}} (or
 * the older {@code path: FILE}) one read from a file of the bootstrap's choosing.
 */
final class TlsContextDecoder {
  static final String TLS = "envoy.transport_sockets.tls";
  static final String RAW_BUFFER = "envoy.transport_sockets.raw_buffer";
  private static final String DOWNSTREAM_TYPE_URL = typeUrl(DownstreamTlsContext.getDescriptor().getFullName());
  private static final String UPSTREAM_TYPE_URL = typeUrl(UpstreamTlsContext.getDescriptor().getFullName());
  private static final String RAW_BUFFER_TYPE_URL = typeUrl(RawBuffer.getDescriptor().getFullName());

  private static final Set<String> SOCKET_FIELDS = Set.of("name", "typed_config");
  private static final Set<String> DOWNSTREAM_FIELDS = Set.of("common_tls_context", "require_client_certificate",
      "disable_stateless_session_resumption", "disable_stateful_session_resumption", "session_timeout");
  private static final Set<String> UPSTREAM_FIELDS = Set.of("common_tls_context", "sni", "auto_host_sni",
      "auto_sni_san_validation", "max_session_keys");
  private static final Set<String> COMMON_FIELDS = Set.of("tls_params", "tls_certificates",
      "tls_certificate_sds_secret_configs", "validation_context", "validation_context_sds_secret_config",
      "combined_validation_context", "alpn_protocols");
  private static final Set<String> PARAMS_FIELDS = Set.of("tls_minimum_protocol_version",
      "tls_maximum_protocol_version", "cipher_suites", "ecdh_curves");
  private static final Set<String> CERTIFICATE_FIELDS = Set.of("certificate_chain", "private_key");
  private static final Set<String> VALIDATION_FIELDS = Set.of("trusted_ca", "match_typed_subject_alt_names");
  private static final Set<String> COMBINED_FIELDS = Set.of("default_validation_context",
      "validation_context_sds_secret_config");
  private static final Set<String> SAN_FIELDS = Set.of("san_type", "matcher");
  private static final Set<String> SDS_FIELDS = Set.of("name", "sds_config");
  private static final Set<String> FILE_SOURCE_FIELDS = Set.of("path", "path_config_source", "resource_api_version");
  private static final Set<String> PATH_SOURCE_FIELDS = Set.of("path", "watched_directory");
  private static final Set<String> WATCHED_DIRECTORY_FIELDS = Set.of("path");
  private static final Set<String> DATA_SOURCE_FIELDS = Set.of("filename", "inline_string", "inline_bytes");

  private TlsContextDecoder() {}

  private static String typeUrl(String fullName) {
    return "type.googleapis.com/" + fullName;
  }

  /** A filter chain's {@code transport_socket}; null for plaintext, and after an error. */
  static DownstreamTlsConfig downstream(TransportSocket socket, String path, DecodeContext ctx) {
    DownstreamTlsContext tls = tlsContext(socket, path, ctx, DownstreamTlsContext.class, "a filter chain");
    if (tls == null) {
      return null;
    }
    int before = ctx.errorCount();
    String tlsPath = FieldPath.child(path, "typed_config");
    FieldRules.check(tls, tlsPath, ctx, DOWNSTREAM_FIELDS);
    CommonTlsConfig common = common(tls.getCommonTlsContext(), FieldPath.child(tlsPath, "common_tls_context"), ctx);
    Duration sessionTimeout = ProtoValues.nonNegative(tls.hasSessionTimeout(), tls.getSessionTimeout(), null,
        FieldPath.child(tlsPath, "session_timeout"), ctx);
    if (ctx.errorCount() != before) {
      return null;
    }
    try {
      return new DownstreamTlsConfig(common, tls.getRequireClientCertificate().getValue(),
          tls.getDisableStatelessSessionResumption(), tls.getDisableStatefulSessionResumption(), sessionTimeout);
    } catch (IllegalArgumentException e) {
      ctx.error(tlsPath, e.getMessage());
      return null;
    }
  }

  /** A cluster's {@code transport_socket}; null for plaintext, and after an error. */
  static UpstreamTlsConfig upstream(TransportSocket socket, String path, DecodeContext ctx) {
    UpstreamTlsContext tls = tlsContext(socket, path, ctx, UpstreamTlsContext.class, "a cluster");
    if (tls == null) {
      return null;
    }
    int before = ctx.errorCount();
    String tlsPath = FieldPath.child(path, "typed_config");
    FieldRules.check(tls, tlsPath, ctx, UPSTREAM_FIELDS);
    String commonPath = FieldPath.child(tlsPath, "common_tls_context");
    CommonTlsConfig common = common(tls.getCommonTlsContext(), commonPath, ctx);
    List<String> alpn = tls.getCommonTlsContext().getAlpnProtocolsList();
    if (alpn.contains("h2")) {
      ctx.error(FieldPath.child(commonPath, "alpn_protocols"), "HTTP/2 to upstreams is not supported yet: upstream"
          + " connections speak HTTP/1.1 only; offer http/1.1 alone (value: " + alpn + ")");
    }
    int maxSessionKeys = ProtoValues.uint32(tls.hasMaxSessionKeys(), tls.getMaxSessionKeys(),
        UpstreamTlsConfig.DEFAULT_MAX_SESSION_KEYS, FieldPath.child(tlsPath, "max_session_keys"), ctx);
    if (ctx.errorCount() != before) {
      return null;
    }
    try {
      return new UpstreamTlsConfig(common, tls.getSni(), tls.getAutoHostSni(), tls.getAutoSniSanValidation(),
          maxSessionKeys);
    } catch (IllegalArgumentException e) {
      ctx.error(tlsPath, e.getMessage());
      return null;
    }
  }

  /**
   * The TLS context a transport socket carries, or null for raw_buffer and after an error. As in
   * Envoy, the extension is chosen by the type of {@code typed_config}.
   */
  private static <T extends Message> T tlsContext(TransportSocket socket, String path, DecodeContext ctx,
      Class<T> wanted, String owner) {
    FieldRules.check(socket, path, ctx, SOCKET_FIELDS);
    String configPath = FieldPath.child(path, "typed_config");
    if (!socket.hasTypedConfig()) {
      if (!socket.getName().equals(RAW_BUFFER)) {
        ctx.error(configPath, "typed_config is required (transport socket '" + socket.getName() + "')");
      }
      return null;
    }
    String typeUrl = socket.getTypedConfig().getTypeUrl();
    try {
      if (typeUrl.equals(RAW_BUFFER_TYPE_URL)) {
        FieldRules.check(socket.getTypedConfig().unpack(RawBuffer.class), configPath, ctx, Set.of());
        return null;
      }
      if (!typeUrl.equals(DOWNSTREAM_TYPE_URL) && !typeUrl.equals(UPSTREAM_TYPE_URL)) {
        ctx.error(configPath, "transport socket '" + socket.getName() + "' (" + typeUrl + ") is not supported by"
            + " Sluice; supported: " + TLS + ", " + RAW_BUFFER);
        return null;
      }
      String wantedUrl = wanted == DownstreamTlsContext.class ? DOWNSTREAM_TYPE_URL : UPSTREAM_TYPE_URL;
      if (!typeUrl.equals(wantedUrl)) {
        ctx.error(configPath, "the TLS transport socket of " + owner + " takes a " + wanted.getSimpleName()
            + " (got " + typeUrl + ")");
        return null;
      }
      return socket.getTypedConfig().unpack(wanted);
    } catch (InvalidProtocolBufferException e) {
      ctx.error(configPath, "cannot decode " + typeUrl + ": " + e.getMessage());
      return null;
    }
  }

  private static CommonTlsConfig common(CommonTlsContext c, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(c, path, ctx, COMMON_FIELDS);
    TlsParamsConfig params = c.hasTlsParams()
        ? params(c.getTlsParams(), FieldPath.child(path, "tls_params"), ctx)
        : TlsParamsConfig.DEFAULT;
    List<TlsCertificateConfig> certificates = new ArrayList<>();
    for (int i = 0; i < c.getTlsCertificatesCount(); i++) {
      TlsCertificateConfig.Static certificate =
          tlsCertificate(c.getTlsCertificates(i), FieldPath.element(path, "tls_certificates", i), ctx);
      if (certificate != null) {
        certificates.add(certificate);
      }
    }
    for (int i = 0; i < c.getTlsCertificateSdsSecretConfigsCount(); i++) {
      String name = sds(c.getTlsCertificateSdsSecretConfigs(i),
          FieldPath.element(path, "tls_certificate_sds_secret_configs", i), SecretReference.Kind.TLS_CERTIFICATE, ctx);
      if (name != null) {
        certificates.add(new TlsCertificateConfig.Sds(name));
      }
    }
    CertificateValidationConfig validation = validation(c, path, ctx);
    if (ctx.errorCount() != before) {
      return null;
    }
    try {
      return new CommonTlsConfig(params, certificates, validation, c.getAlpnProtocolsList());
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return null;
    }
  }

  private static TlsParamsConfig params(TlsParameters p, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(p, path, ctx, PARAMS_FIELDS);
    TlsParamsConfig.TlsProtocol min = protocol(p.getTlsMinimumProtocolVersion(),
        FieldPath.child(path, "tls_minimum_protocol_version"), ctx);
    TlsParamsConfig.TlsProtocol max = protocol(p.getTlsMaximumProtocolVersion(),
        FieldPath.child(path, "tls_maximum_protocol_version"), ctx);
    if (ctx.errorCount() != before) {
      return null;
    }
    try {
      return new TlsParamsConfig(min, max, p.getCipherSuitesList(), p.getEcdhCurvesList());
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return null;
    }
  }

  private static TlsParamsConfig.TlsProtocol protocol(TlsParameters.TlsProtocol value, String path,
      DecodeContext ctx) {
    return switch (value) {
      case TLS_AUTO -> TlsParamsConfig.TlsProtocol.TLS_AUTO;
      case TLSv1_0 -> TlsParamsConfig.TlsProtocol.TLSv1_0;
      case TLSv1_1 -> TlsParamsConfig.TlsProtocol.TLSv1_1;
      case TLSv1_2 -> TlsParamsConfig.TlsProtocol.TLSv1_2;
      case TLSv1_3 -> TlsParamsConfig.TlsProtocol.TLSv1_3;
      case UNRECOGNIZED -> {
        ctx.error(path, "unknown TLS protocol version");
        yield null;
      }
    };
  }

  /** A {@code TlsCertificate}: PEM chain and key; null after an error. */
  static TlsCertificateConfig.Static tlsCertificate(TlsCertificate c, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(c, path, ctx, CERTIFICATE_FIELDS);
    DataSource chain = required(c.hasCertificateChain(), c.getCertificateChain(),
        FieldPath.child(path, "certificate_chain"), ctx);
    DataSource key = required(c.hasPrivateKey(), c.getPrivateKey(), FieldPath.child(path, "private_key"), ctx);
    return ctx.errorCount() == before ? new TlsCertificateConfig.Static(chain, key) : null;
  }

  private static DataSource required(boolean present, io.envoyproxy.envoy.config.core.v3.DataSource source,
      String path, DecodeContext ctx) {
    if (!present) {
      ctx.error(path, "is required");
      return null;
    }
    return dataSource(source, path, ctx);
  }

  /**
   * A {@code DataSource} holding PEM: a file, or inline text or bytes. Whether it is valid PEM is
   * for the TLS layer to say. Messages never quote the content, which may be a private key.
   */
  static DataSource dataSource(io.envoyproxy.envoy.config.core.v3.DataSource d, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(d, path, ctx, DATA_SOURCE_FIELDS);
    String specifierPath = FieldPath.child(path, d.getSpecifierCase().name().toLowerCase(Locale.ROOT));
    try {
      return switch (d.getSpecifierCase()) {
        case FILENAME -> new DataSource.Filename(d.getFilename());
        case INLINE_STRING -> new DataSource.InlineString(d.getInlineString());
        case INLINE_BYTES -> new DataSource.InlineBytes(d.getInlineBytes().toByteArray());
        case SPECIFIER_NOT_SET -> {
          if (ctx.errorCount() == before) {
            ctx.error(path, "one of filename, inline_string or inline_bytes is required");
          }
          yield null;
        }
        case ENVIRONMENT_VARIABLE -> null; // reported by the field check
      };
    } catch (IllegalArgumentException e) {
      ctx.error(specifierPath, e.getMessage());
      return null;
    }
  }

  /** The {@code validation_context_type} oneof; null for none, and after an error. */
  private static CertificateValidationConfig validation(CommonTlsContext c, String path, DecodeContext ctx) {
    switch (c.getValidationContextTypeCase()) {
      case VALIDATION_CONTEXT -> {
        return validationContext(c.getValidationContext(), FieldPath.child(path, "validation_context"), null, ctx);
      }
      case VALIDATION_CONTEXT_SDS_SECRET_CONFIG -> {
        String name = sds(c.getValidationContextSdsSecretConfig(), FieldPath.child(path,
            "validation_context_sds_secret_config"), SecretReference.Kind.VALIDATION_CONTEXT, ctx);
        return name == null ? null : CertificateValidationConfig.of(new TrustedCa.Sds(name));
      }
      case COMBINED_VALIDATION_CONTEXT -> {
        return combined(c.getCombinedValidationContext(), FieldPath.child(path, "combined_validation_context"), ctx);
      }
      default -> {
        return null; // not set, or a certificate provider: reported by the field check
      }
    }
  }

  /**
   * Envoy's {@code combined_validation_context}, the way Istio delivers its root CA: the trusted CA
   * from SDS, the SAN matchers from the static default context.
   */
  private static CertificateValidationConfig combined(
      CommonTlsContext.CombinedCertificateValidationContext combined, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(combined, path, ctx, COMBINED_FIELDS);
    String sdsPath = FieldPath.child(path, "validation_context_sds_secret_config");
    String name = null;
    if (combined.hasValidationContextSdsSecretConfig()) {
      name = sds(combined.getValidationContextSdsSecretConfig(), sdsPath, SecretReference.Kind.VALIDATION_CONTEXT, ctx);
    } else {
      ctx.error(sdsPath, "is required");
    }
    if (ctx.errorCount() != before) {
      return null;
    }
    return validationContext(combined.getDefaultValidationContext(),
        FieldPath.child(path, "default_validation_context"), new TrustedCa.Sds(name), ctx);
  }

  /**
   * A {@code CertificateValidationContext}. {@code fromSds} is the CA of a combined context, which
   * the default context must not name again: in Envoy the secret's {@code trusted_ca} would
   * silently replace it. A context with neither CA nor SAN matchers verifies nothing and is
   * decoded as none.
   */
  private static CertificateValidationConfig validationContext(CertificateValidationContext v, String path,
      TrustedCa fromSds, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(v, path, ctx, VALIDATION_FIELDS);
    TrustedCa ca = fromSds;
    if (v.hasTrustedCa()) {
      String caPath = FieldPath.child(path, "trusted_ca");
      if (fromSds != null) {
        ctx.error(caPath, "the trusted CA comes from validation_context_sds_secret_config; remove trusted_ca here");
      } else {
        DataSource pem = dataSource(v.getTrustedCa(), caPath, ctx);
        ca = pem == null ? null : new TrustedCa.Static(pem);
      }
    }
    List<SubjectAltNameMatcher> sans = new ArrayList<>();
    for (int i = 0; i < v.getMatchTypedSubjectAltNamesCount(); i++) {
      SubjectAltNameMatcher san = san(v.getMatchTypedSubjectAltNames(i),
          FieldPath.element(path, "match_typed_subject_alt_names", i), ctx);
      if (san != null) {
        sans.add(san);
      }
    }
    if (ctx.errorCount() != before || (ca == null && sans.isEmpty())) {
      return null;
    }
    try {
      return new CertificateValidationConfig(ca, sans);
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return null;
    }
  }

  private static SubjectAltNameMatcher san(
      io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher m, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(m, path, ctx, SAN_FIELDS);
    String typePath = FieldPath.child(path, "san_type");
    SubjectAltNameMatcher.SanType type = switch (m.getSanType()) {
      case EMAIL -> SubjectAltNameMatcher.SanType.EMAIL;
      case DNS -> SubjectAltNameMatcher.SanType.DNS;
      case URI -> SubjectAltNameMatcher.SanType.URI;
      case IP_ADDRESS -> SubjectAltNameMatcher.SanType.IP_ADDRESS;
      case SAN_TYPE_UNSPECIFIED -> {
        ctx.error(typePath, "san_type is required (EMAIL, DNS, URI or IP_ADDRESS)");
        yield null;
      }
      default -> {
        ctx.error(typePath, "san_type " + m.getSanType() + " is not supported by Sluice (supported: EMAIL, DNS, URI,"
            + " IP_ADDRESS)");
        yield null;
      }
    };
    String matcherPath = FieldPath.child(path, "matcher");
    StringMatch matcher = null;
    if (m.hasMatcher()) {
      matcher = MatchDecoder.string(m.getMatcher(), matcherPath, ctx);
    } else {
      ctx.error(matcherPath, "is required");
    }
    return ctx.errorCount() == before ? new SubjectAltNameMatcher(type, matcher) : null;
  }

  /** An {@code SdsSecretConfig}: records the reference and returns the secret's name; null after an error. */
  private static String sds(SdsSecretConfig s, String path, SecretReference.Kind kind, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(s, path, ctx, SDS_FIELDS);
    String namePath = FieldPath.child(path, "name");
    if (s.getName().isEmpty()) {
      ctx.error(namePath, "a secret name is required");
    }
    String sourcePath = FieldPath.child(path, "sds_config");
    SecretReference reference;
    if (!s.hasSdsConfig()) {
      reference = new SecretReference(namePath, s.getName(), kind, false, Duration.ZERO);
    } else if (isFileSource(s.getSdsConfig())) {
      SecretReference.FileSource file = fileSource(s.getSdsConfig(), sourcePath, ctx);
      reference = file == null ? null : SecretReference.fromFile(namePath, s.getName(), kind, file);
    } else {
      Duration timeout = sdsSource(s.getSdsConfig(), sourcePath, ctx);
      reference = new SecretReference(namePath, s.getName(), kind, true, timeout);
    }
    if (ctx.errorCount() != before) {
      return null;
    }
    ctx.referenceSecret(reference);
    return s.getName();
  }

  private static boolean isFileSource(ConfigSource source) {
    return switch (source.getConfigSourceSpecifierCase()) {
      case PATH, PATH_CONFIG_SOURCE -> true;
      default -> false;
    };
  }

  /**
   * An SDS file source: {@code path_config_source} or the deprecated {@code path}, whose file holds
   * a {@code DiscoveryResponse} of secrets. Whether the file provides the secret is checked with
   * the other references, once per file.
   *
   * <p>Only the bootstrap may name one. Envoy also accepts it in resources from a management
   * server, but a file source there would tie the lifetime of a local file watch to resources that
   * come and go with every update, and let a remote server make the proxy read any local path; an
   * xDS resource naming one is rejected (NACK) and should use {@code ads: {}}.
   *
   * <p>{@code watched_directory} is accepted and needs no handling of its own: Envoy watches that
   * directory for the move of a Kubernetes {@code ..data} symlink, and Sluice's poll reads through
   * the link, so the swap changes what it reads.
   */
  @SuppressWarnings("deprecation") // ConfigSource.path: Envoy still accepts it
  private static SecretReference.FileSource fileSource(ConfigSource source, String path, DecodeContext ctx) {
    String field = source.getConfigSourceSpecifierCase() == ConfigSource.ConfigSourceSpecifierCase.PATH
        ? "path" : "path_config_source";
    String fieldPath = FieldPath.child(path, field);
    if (ctx.isXdsResource()) {
      ctx.error(fieldPath, "SDS from a file (" + field + ") is supported only in the bootstrap's static_resources;"
          + " in a resource from a management server use sds_config: {ads: {}}");
      return null;
    }
    int before = ctx.errorCount();
    FieldRules.check(source, path, ctx, FILE_SOURCE_FIELDS);
    if (source.getResourceApiVersion() == ApiVersion.V2) {
      ctx.error(FieldPath.child(path, "resource_api_version"), "the v2 xDS API is not supported; use V3");
    }
    String text;
    String textPath;
    if (field.equals("path")) {
      text = source.getPath();
      textPath = fieldPath;
    } else {
      PathConfigSource pathSource = source.getPathConfigSource();
      FieldRules.check(pathSource, fieldPath, ctx, PATH_SOURCE_FIELDS);
      if (pathSource.hasWatchedDirectory()) {
        String dirPath = FieldPath.child(fieldPath, "watched_directory");
        FieldRules.check(pathSource.getWatchedDirectory(), dirPath, ctx, WATCHED_DIRECTORY_FIELDS);
        if (pathSource.getWatchedDirectory().getPath().isEmpty()) {
          ctx.error(FieldPath.child(dirPath, "path"), "is required");
        }
      }
      text = pathSource.getPath();
      textPath = FieldPath.child(fieldPath, "path");
    }
    Path file = null;
    if (text.isEmpty()) {
      ctx.error(textPath, "is required: the file holding the secret (a DiscoveryResponse)");
    } else {
      try {
        file = Path.of(text).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        ctx.error(textPath, "not a valid path: " + e.getReason());
      }
    }
    return ctx.errorCount() == before ? new SecretReference.FileSource(textPath, file) : null;
  }

  /**
   * The ADS stream is the only remote SDS source: Istio's sidecar agent serves SDS on a separate
   * gRPC stream ({@code api_config_source}), which Sluice does not speak yet.
   */
  private static Duration sdsSource(ConfigSource source, String path, DecodeContext ctx) {
    if (source.getConfigSourceSpecifierCase() == ConfigSource.ConfigSourceSpecifierCase.API_CONFIG_SOURCE) {
      ctx.error(FieldPath.child(path, "api_config_source"), "SDS from api_config_source is not supported by Sluice;"
          + " use sds_config: {ads: {}} to fetch the secret over the ADS stream, sds_config: {path_config_source:"
          + " {path: FILE}} to read it from a file, or omit sds_config to name a secret of static_resources.secrets");
      return Duration.ZERO;
    }
    return ConfigSourceDecoder.adsOnly(source, path, ctx, ctx.isXdsResource());
  }
}
