package dev.sluice.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The HTTP connection manager: codec, limits, timeouts and the route configuration it serves.
 *
 * <p>Defaults follow Envoy's: 60 KiB and 100 request headers, a one hour connection idle timeout,
 * a five minute stream idle timeout, no overall request timeout, request ids generated,
 * {@code x-forwarded-client-cert} sanitized.
 */
public record HttpConnectionManagerConfig(
    String statPrefix,
    CodecType codecType,
    RouteConfig routeConfig,
    int maxRequestHeadersKb,
    int maxHeadersCount,
    Duration idleTimeout,
    Duration streamIdleTimeout,
    Duration requestTimeout,
    boolean generateRequestId,
    ForwardClientCertConfig forwardClientCert)
    implements NetworkFilterConfig {

  public static final int DEFAULT_MAX_REQUEST_HEADERS_KB = 60;
  public static final int DEFAULT_MAX_HEADERS_COUNT = 100;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
  public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);

  public HttpConnectionManagerConfig {
    Objects.requireNonNull(statPrefix, "statPrefix");
    Objects.requireNonNull(codecType, "codecType");
    Objects.requireNonNull(routeConfig, "routeConfig");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(streamIdleTimeout, "streamIdleTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(forwardClientCert, "forwardClientCert");
    if (maxRequestHeadersKb < 1 || maxRequestHeadersKb > 8192) {
      throw new IllegalArgumentException("max_request_headers_kb " + maxRequestHeadersKb + " is outside 1..8192");
    }
    if (maxHeadersCount < 1) {
      throw new IllegalArgumentException("max_headers_count " + maxHeadersCount + " must be at least 1");
    }
  }

  /** A connection manager with Envoy's defaults around the given route configuration. */
  public static HttpConnectionManagerConfig withDefaults(String statPrefix, CodecType codec, RouteConfig routes) {
    return new HttpConnectionManagerConfig(
        statPrefix,
        codec,
        routes,
        DEFAULT_MAX_REQUEST_HEADERS_KB,
        DEFAULT_MAX_HEADERS_COUNT,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_STREAM_IDLE_TIMEOUT,
        Duration.ZERO,
        true,
        ForwardClientCertConfig.DEFAULT);
  }

  /** This configuration with other routes (an RDS update). */
  public HttpConnectionManagerConfig withRouteConfig(RouteConfig routes) {
    return new HttpConnectionManagerConfig(statPrefix, codecType, routes, maxRequestHeadersKb, maxHeadersCount,
        idleTimeout, streamIdleTimeout, requestTimeout, generateRequestId, forwardClientCert);
  }
}
