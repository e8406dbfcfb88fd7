package dev.sluice.xds.resource;

import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import java.time.Duration;
import java.util.Set;

/**
 * Decodes a {@code ConfigSource} that must point at the ADS stream, the only transport Sluice
 * speaks: {@code ads: {}} (or {@code self: {}} inside a resource that itself came over ADS).
 */
final class ConfigSourceDecoder {
  /** Envoy's default {@code initial_fetch_timeout}; zero disables the timeout. */
  static final Duration DEFAULT_INITIAL_FETCH_TIMEOUT = Duration.ofSeconds(15);

  private static final Set<String> FIELDS = Set.of("ads", "self", "initial_fetch_timeout", "resource_api_version");

  private ConfigSourceDecoder() {}

  /**
   * Checks that {@code source} names ADS and returns its initial fetch timeout ({@link Duration#ZERO}
   * for none). {@code allowSelf} accepts {@code self: {}}, which inside an ADS-delivered resource
   * means the same stream.
   */
  @SuppressWarnings("deprecation") // ApiVersion.V2: named only to reject it
  static Duration adsOnly(ConfigSource source, String path, DecodeContext ctx, boolean allowSelf) {
    FieldRules.check(source, path, ctx, FIELDS);
    switch (source.getConfigSourceSpecifierCase()) {
      case ADS -> { }
      case SELF -> {
        if (!allowSelf) {
          ctx.error(FieldPath.child(path, "self"), "self is not meaningful in the bootstrap; use ads: {}");
        }
      }
      case CONFIGSOURCESPECIFIER_NOT_SET -> ctx.error(path, "a config source is required; Sluice supports ads: {}");
      default -> { } // path, path_config_source, api_config_source: reported by the field check
    }
    if (source.getResourceApiVersion() == ApiVersion.V2) {
      ctx.error(FieldPath.child(path, "resource_api_version"), "the v2 xDS API is not supported; use V3");
    }
    return ProtoValues.nonNegative(source.hasInitialFetchTimeout(), source.getInitialFetchTimeout(),
        DEFAULT_INITIAL_FETCH_TIMEOUT, FieldPath.child(path, "initial_fetch_timeout"), ctx);
  }
}
