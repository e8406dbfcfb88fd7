package dev.sluice.xds.resource;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.config.CodecType;
import dev.sluice.config.HeaderMutations;
import dev.sluice.config.ForwardClientCertConfig;
import dev.sluice.config.ForwardClientCertConfig.ClientCertDetail;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.RouteConfig;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes the {@code envoy.filters.network.http_connection_manager} network filter: routes inline
 * as {@code route_config}, or (for listeners from LDS) by name through {@code rds}, a filter
 * chain ending in the router, and what happens to {@code x-forwarded-client-cert}.
 */
public final class HttpConnectionManagerDecoder {

  /** The type URL that selects this decoder, as Envoy selects extensions by type. */
  public static final String TYPE_URL =
      "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";

  static final String ROUTER_NAME = "envoy.filters.http.router";
  static final String ROUTER_TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";

  private static final Set<String> FIELDS = Set.of("codec_type", "stat_prefix", "route_config", "rds",
      "http_filters", "max_request_headers_kb", "common_http_protocol_options", "stream_idle_timeout",
      "request_timeout", "generate_request_id", "forward_client_cert_details", "set_current_client_cert_details");
  private static final Set<String> CLIENT_CERT_DETAILS_FIELDS = Set.of("subject", "cert", "chain", "dns", "uri");
  private static final Set<String> PROTOCOL_OPTIONS_FIELDS = Set.of("idle_timeout", "max_headers_count");
  private static final Set<String> RDS_FIELDS = Set.of("config_source", "route_config_name");
  private static final Set<String> HTTP_FILTER_FIELDS = Set.of("name", "typed_config", "is_optional");

  private HttpConnectionManagerDecoder() {}

  /** Unpacks and decodes a filter's {@code typed_config}; {@code path} names the Any. */
  public static Optional<HttpConnectionManagerConfig> decode(Any typedConfig, String path, DecodeContext ctx) {
    try {
      return decode(typedConfig.unpack(HttpConnectionManager.class), path, ctx);
    } catch (InvalidProtocolBufferException e) {
      ctx.error(path, "cannot decode HttpConnectionManager: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** Decodes {@code hcm} at {@code path}; empty when an error was recorded. */
  public static Optional<HttpConnectionManagerConfig> decode(HttpConnectionManager hcm, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(hcm, path, ctx, FIELDS);
    if (hcm.getStatPrefix().isEmpty()) {
      ctx.error(FieldPath.child(path, "stat_prefix"), "stat_prefix is required");
    }
    CodecType codec = codec(hcm, FieldPath.child(path, "codec_type"), ctx);
    RouteConfig routes = routes(hcm, path, ctx);
    httpFilters(hcm, FieldPath.child(path, "http_filters"), ctx);

    int maxHeadersKb = ProtoValues.uint32(hcm.hasMaxRequestHeadersKb(), hcm.getMaxRequestHeadersKb(),
        HttpConnectionManagerConfig.DEFAULT_MAX_REQUEST_HEADERS_KB, FieldPath.child(path, "max_request_headers_kb"), ctx);
    HttpProtocolOptions common = hcm.getCommonHttpProtocolOptions();
    String commonPath = FieldPath.child(path, "common_http_protocol_options");
    FieldRules.check(common, commonPath, ctx, PROTOCOL_OPTIONS_FIELDS);
    int maxHeadersCount = ProtoValues.uint32(common.hasMaxHeadersCount(), common.getMaxHeadersCount(),
        HttpConnectionManagerConfig.DEFAULT_MAX_HEADERS_COUNT, FieldPath.child(commonPath, "max_headers_count"), ctx);
    Duration idle = ProtoValues.nonNegative(common.hasIdleTimeout(), common.getIdleTimeout(),
        HttpConnectionManagerConfig.DEFAULT_IDLE_TIMEOUT, FieldPath.child(commonPath, "idle_timeout"), ctx);
    Duration streamIdle = ProtoValues.nonNegative(hcm.hasStreamIdleTimeout(), hcm.getStreamIdleTimeout(),
        HttpConnectionManagerConfig.DEFAULT_STREAM_IDLE_TIMEOUT, FieldPath.child(path, "stream_idle_timeout"), ctx);
    // Envoy's request_timeout is disabled (zero) unless set.
    Duration request = ProtoValues.nonNegative(hcm.hasRequestTimeout(), hcm.getRequestTimeout(), Duration.ZERO,
        FieldPath.child(path, "request_timeout"), ctx);
    boolean generateRequestId = !hcm.hasGenerateRequestId() || hcm.getGenerateRequestId().getValue();
    ForwardClientCertConfig forwardClientCert = forwardClientCert(hcm, path, ctx);
    if (ctx.errorCount() != before) {
      return Optional.empty();
    }
    try {
      return Optional.of(new HttpConnectionManagerConfig(hcm.getStatPrefix(), codec, routes, maxHeadersKb,
          maxHeadersCount, idle, streamIdle, request, generateRequestId, forwardClientCert));
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return Optional.empty();
    }
  }

  /** What happens to {@code x-forwarded-client-cert}; Envoy's default is SANITIZE. */
  private static ForwardClientCertConfig forwardClientCert(HttpConnectionManager hcm, String path, DecodeContext ctx) {
    ForwardClientCertConfig.ForwardClientCertDetails mode = switch (hcm.getForwardClientCertDetails()) {
      case SANITIZE -> ForwardClientCertConfig.ForwardClientCertDetails.SANITIZE;
      case FORWARD_ONLY -> ForwardClientCertConfig.ForwardClientCertDetails.FORWARD_ONLY;
      case APPEND_FORWARD -> ForwardClientCertConfig.ForwardClientCertDetails.APPEND_FORWARD;
      case SANITIZE_SET -> ForwardClientCertConfig.ForwardClientCertDetails.SANITIZE_SET;
      case ALWAYS_FORWARD_ONLY -> ForwardClientCertConfig.ForwardClientCertDetails.ALWAYS_FORWARD_ONLY;
      case UNRECOGNIZED -> {
        ctx.error(FieldPath.child(path, "forward_client_cert_details"),
            "unknown value " + hcm.getForwardClientCertDetailsValue());
        yield ForwardClientCertConfig.ForwardClientCertDetails.SANITIZE;
      }
    };
    HttpConnectionManager.SetCurrentClientCertDetails set = hcm.getSetCurrentClientCertDetails();
    FieldRules.check(set, FieldPath.child(path, "set_current_client_cert_details"), ctx, CLIENT_CERT_DETAILS_FIELDS);
    Set<ClientCertDetail> details = EnumSet.noneOf(ClientCertDetail.class);
    if (set.getSubject().getValue()) {
      details.add(ClientCertDetail.SUBJECT);
    }
    if (set.getCert()) {
      details.add(ClientCertDetail.CERT);
    }
    if (set.getChain()) {
      details.add(ClientCertDetail.CHAIN);
    }
    if (set.getDns()) {
      details.add(ClientCertDetail.DNS);
    }
    if (set.getUri()) {
      details.add(ClientCertDetail.URI);
    }
    return new ForwardClientCertConfig(mode, details);
  }

  private static CodecType codec(HttpConnectionManager hcm, String path, DecodeContext ctx) {
    return switch (hcm.getCodecType()) {
      case AUTO -> CodecType.AUTO;
      case HTTP1 -> CodecType.HTTP1;
      case HTTP2 -> CodecType.HTTP2;
      case HTTP3, UNRECOGNIZED -> {
        ctx.error(path, "codec_type " + hcm.getCodecType() + " is not supported by Sluice (supported: AUTO, HTTP1, HTTP2)");
        yield null;
      }
    };
  }

  private static RouteConfig routes(HttpConnectionManager hcm, String path, DecodeContext ctx) {
    switch (hcm.getRouteSpecifierCase()) {
      case ROUTE_CONFIG -> {
        // Envoy validates the clusters of an inline route table by default.
        return RouteConfigDecoder.decode(hcm.getRouteConfig(), FieldPath.child(path, "route_config"), ctx, true)
            .orElse(null);
      }
      case RDS -> {
        return rds(hcm, FieldPath.child(path, "rds"), ctx);
      }
      case SCOPED_ROUTES -> { } // reported by the field check
      case ROUTESPECIFIER_NOT_SET -> ctx.error(path, "route_config is required");
    }
    return null;
  }

  /**
   * Routes from RDS over the ADS stream. Only resources from a management server may use it: a
   * static listener is served before any stream exists. The returned route configuration is a
   * placeholder with the RDS name and no virtual hosts; the xDS client puts the RDS resource in its
   * place before a listener is published (a listener warms until then).
   */
  private static RouteConfig rds(HttpConnectionManager hcm, String path, DecodeContext ctx) {
    Rds rds = hcm.getRds();
    if (!ctx.isXdsResource()) {
      ctx.error(path, "rds is supported only in listeners from LDS (dynamic_resources.lds_config); give a static"
          + " listener its routes inline as route_config (value: route_config_name '" + rds.getRouteConfigName()
          + "')");
      return null;
    }
    FieldRules.check(rds, path, ctx, RDS_FIELDS);
    if (rds.getRouteConfigName().isEmpty()) {
      ctx.error(FieldPath.child(path, "route_config_name"), "route_config_name is required");
    }
    if (rds.hasConfigSource()) {
      ConfigSourceDecoder.adsOnly(rds.getConfigSource(), FieldPath.child(path, "config_source"), ctx, true);
    } else {
      ctx.error(FieldPath.child(path, "config_source"), "config_source is required (Sluice supports ads: {})");
    }
    return rds.getRouteConfigName().isEmpty() ? null : rdsPlaceholder(rds.getRouteConfigName());
  }

  /** The stand-in for a route configuration that RDS will deliver: its name and nothing else. */
  public static RouteConfig rdsPlaceholder(String routeConfigName) {
    return new RouteConfig(routeConfigName, List.of(), HeaderMutations.NONE);
  }

  /**
   * The router must be the last filter, as in Envoy, and is the only one Sluice runs. Any other
   * filter is rejected unless it is marked {@code is_optional}, which tells a client that does not
   * know the filter to skip it — Envoy's own rule for unknown optional filters.
   */
  private static void httpFilters(HttpConnectionManager hcm, String path, DecodeContext ctx) {
    int count = hcm.getHttpFiltersCount();
    if (count == 0) {
      ctx.error(path, "the last http filter must be " + ROUTER_NAME + " (the list is empty)");
      return;
    }
    for (int i = 0; i < count; i++) {
      HttpFilter f = hcm.getHttpFilters(i);
      String fPath = FieldPath.element(path, i);
      FieldRules.check(f, fPath, ctx, HTTP_FILTER_FIELDS);
      if (isRouter(f)) {
        if (i != count - 1) {
          ctx.error(fPath, ROUTER_NAME + " is a terminal filter and must be the last http filter");
        }
        if (f.hasTypedConfig()) {
          String configPath = FieldPath.child(fPath, "typed_config");
          try {
            FieldRules.check(f.getTypedConfig().unpack(Router.class), configPath, ctx, Set.of());
          } catch (InvalidProtocolBufferException e) {
            ctx.error(configPath, "cannot decode Router: " + e.getMessage());
          }
        }
      } else if (f.getIsOptional()) {
        ctx.warn(fPath, "ignored: optional http filter '" + f.getName() + "' (" + typeOf(f)
            + ") is not supported by Sluice and is skipped, as Envoy skips optional filters it does not know");
      } else {
        ctx.error(fPath, "http filter '" + f.getName() + "' (" + typeOf(f) + ") is not supported by Sluice;"
            + " the only supported http filter is " + ROUTER_NAME);
      }
    }
    if (!isRouter(hcm.getHttpFilters(count - 1))) {
      ctx.error(path, "the last http filter must be " + ROUTER_NAME);
    }
  }

  // Envoy picks an extension by its typed_config type; the name is used only when there is none.
  private static boolean isRouter(HttpFilter f) {
    return f.hasTypedConfig()
        ? f.getTypedConfig().getTypeUrl().equals(ROUTER_TYPE_URL)
        : f.getName().equals(ROUTER_NAME) && !f.hasConfigDiscovery();
  }

  private static String typeOf(HttpFilter f) {
    return f.hasTypedConfig() ? f.getTypedConfig().getTypeUrl() : "no typed_config";
  }
}
