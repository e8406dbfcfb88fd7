package dev.sluice.xds.resource;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.BackoffStrategy;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes {@code dynamic_resources}: LDS and CDS over ADS, and the ADS server itself, named
 * either by {@code envoy_grpc} (a STATIC or STRICT_DNS cluster of {@code static_resources} with one
 * endpoint) or by {@code google_grpc} (a gRPC target URI).
 */
final class DynamicResourcesDecoder {
  private static final Set<String> FIELDS = Set.of("lds_config", "cds_config", "ads_config");
  private static final Set<String> API_CONFIG_FIELDS =
      Set.of("api_type", "transport_api_version", "grpc_services", "set_node_on_first_message_only");
  private static final Set<String> GRPC_SERVICE_FIELDS = Set.of("envoy_grpc", "google_grpc", "initial_metadata");
  private static final Set<String> ENVOY_GRPC_FIELDS =
      Set.of("cluster_name", "authority", "retry_policy", "max_receive_message_length");
  private static final Set<String> GOOGLE_GRPC_FIELDS = Set.of("target_uri", "stat_prefix", "channel_credentials");
  private static final Set<String> CHANNEL_CREDENTIALS_FIELDS = Set.of("local_credentials");
  private static final Set<String> RETRY_POLICY_FIELDS = Set.of("retry_back_off");
  private static final Set<String> BACKOFF_FIELDS = Set.of("base_interval", "max_interval");
  private static final Set<String> HEADER_VALUE_FIELDS = Set.of("key", "value");
  private static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  private DynamicResourcesDecoder() {}

  /** The cluster that {@code ads_config} names through {@code envoy_grpc}, if any. */
  static Optional<String> adsClusterName(Bootstrap bootstrap) {
    ApiConfigSource ads = bootstrap.getDynamicResources().getAdsConfig();
    if (ads.getGrpcServicesCount() == 0 || !ads.getGrpcServices(0).hasEnvoyGrpc()) {
      return Optional.empty();
    }
    String name = ads.getGrpcServices(0).getEnvoyGrpc().getClusterName();
    return name.isEmpty() ? Optional.empty() : Optional.of(name);
  }

  /**
   * The ADS cluster without the transport options that only gRPC uses, checked here: Envoy
   * requires HTTP/2 on a gRPC cluster (through {@code http2_protocol_options} or the typed
   * {@code HttpProtocolOptions}), and operators add TCP keep-alives to notice a dead server. The
   * xDS client's gRPC channel always speaks HTTP/2 and keeps gRPC's own connection settings, and
   * the data plane's upstream (HTTP/1.1 only) never reads these fields on this cluster.
   */
  @SuppressWarnings("deprecation") // http2_protocol_options: deprecated in v3, still in Envoy's ADS examples
  static Cluster withoutGrpcTransportOptions(Cluster cluster, String path, DecodeContext ctx) {
    Cluster.Builder b = cluster.toBuilder();
    if (cluster.hasTransportSocket()) {
      // Decoding it would succeed, and the channel would then speak plaintext where TLS was asked for.
      ctx.error(FieldPath.child(path, "transport_socket"), "TLS to the ADS server is not supported yet: the ADS"
          + " channel is plaintext");
      b.clearTransportSocket();
    }
    if (cluster.hasHttp2ProtocolOptions()) {
      ctx.warn(FieldPath.child(path, "http2_protocol_options"), "ignored: the ADS channel always uses HTTP/2 with"
          + " gRPC's default settings");
      b.clearHttp2ProtocolOptions();
    }
    if (cluster.hasUpstreamConnectionOptions()) {
      ctx.warn(FieldPath.child(path, "upstream_connection_options"), "ignored: the ADS channel keeps gRPC's"
          + " connection settings");
      b.clearUpstreamConnectionOptions();
    }
    String typedPath = FieldPath.child(path, "typed_extension_protocol_options");
    for (Map.Entry<String, Any> e : cluster.getTypedExtensionProtocolOptionsMap().entrySet()) {
      String ePath = FieldPath.child(typedPath, e.getKey());
      if (!e.getKey().equals(HTTP_PROTOCOL_OPTIONS)) {
        ctx.error(ePath, "not supported by Sluice on the ADS cluster (supported: " + HTTP_PROTOCOL_OPTIONS + ")");
        continue;
      }
      try {
        HttpProtocolOptions options = e.getValue().unpack(HttpProtocolOptions.class);
        if (!options.getExplicitHttpConfig().hasHttp2ProtocolOptions()) {
          ctx.error(ePath, "the ADS cluster must use HTTP/2: set explicit_http_config.http2_protocol_options");
        } else {
          ctx.warn(ePath, "ignored: the ADS channel always uses HTTP/2 with gRPC's default settings");
        }
      } catch (InvalidProtocolBufferException ex) {
        ctx.error(ePath, "cannot decode HttpProtocolOptions: " + ex.getMessage());
      }
    }
    b.clearTypedExtensionProtocolOptions();
    return b.build();
  }

  /** Decodes {@code bootstrap.dynamic_resources}; empty when it is unset or an error was recorded. */
  static Optional<XdsServerConfig> decode(Bootstrap bootstrap, DecodeContext ctx) {
    if (!bootstrap.hasDynamicResources()) {
      return Optional.empty();
    }
    int before = ctx.errorCount();
    String path = "dynamic_resources";
    Bootstrap.DynamicResources dr = bootstrap.getDynamicResources();
    FieldRules.check(dr, path, ctx, FIELDS);
    Optional<Duration> lds = dr.hasLdsConfig()
        ? Optional.of(ConfigSourceDecoder.adsOnly(dr.getLdsConfig(), FieldPath.child(path, "lds_config"), ctx, false))
        : Optional.empty();
    Optional<Duration> cds = dr.hasCdsConfig()
        ? Optional.of(ConfigSourceDecoder.adsOnly(dr.getCdsConfig(), FieldPath.child(path, "cds_config"), ctx, false))
        : Optional.empty();
    if (!dr.hasAdsConfig()) {
      if (dr.hasLdsConfig() || dr.hasCdsConfig()) {
        ctx.error(FieldPath.child(path, "ads_config"), "ads_config is required: lds_config and cds_config use ads");
      }
      return Optional.empty();
    }
    XdsServerConfig server = adsConfig(dr.getAdsConfig(), FieldPath.child(path, "ads_config"), lds, cds,
        bootstrap.getStaticResources().getClustersList(), ctx);
    return ctx.errorCount() == before ? Optional.ofNullable(server) : Optional.empty();
  }

  @SuppressWarnings("deprecation") // ApiVersion.V2: named only to reject it
  private static XdsServerConfig adsConfig(ApiConfigSource ads, String path, Optional<Duration> lds,
      Optional<Duration> cds, List<Cluster> clusters, DecodeContext ctx) {
    FieldRules.check(ads, path, ctx, API_CONFIG_FIELDS);
    XdsServerConfig.ApiType apiType = switch (ads.getApiType()) {
      case GRPC -> XdsServerConfig.ApiType.GRPC;
      case DELTA_GRPC -> XdsServerConfig.ApiType.DELTA_GRPC;
      case DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE -> {
        ctx.error(FieldPath.child(path, "api_type"), "api_type is required (GRPC or DELTA_GRPC)");
        yield null;
      }
      default -> {
        ctx.error(FieldPath.child(path, "api_type"), "api_type " + ads.getApiType()
            + " is not supported by Sluice (supported: GRPC, DELTA_GRPC)");
        yield null;
      }
    };
    if (ads.getTransportApiVersion() == ApiVersion.V2) {
      ctx.error(FieldPath.child(path, "transport_api_version"), "the v2 xDS API is not supported; use V3");
    }
    String servicesPath = FieldPath.child(path, "grpc_services");
    if (ads.getGrpcServicesCount() != 1) {
      ctx.error(servicesPath, "exactly one grpc service is required (found " + ads.getGrpcServicesCount() + ")");
      return null;
    }
    GrpcService service = ads.getGrpcServices(0);
    String sPath = FieldPath.element(servicesPath, 0);
    FieldRules.check(service, sPath, ctx, GRPC_SERVICE_FIELDS);
    Map<String, String> metadata = initialMetadata(service.getInitialMetadataList(),
        FieldPath.child(sPath, "initial_metadata"), ctx);
    Duration base = XdsServerConfig.DEFAULT_RETRY_BASE_INTERVAL;
    Duration max = XdsServerConfig.DEFAULT_RETRY_MAX_INTERVAL;
    int maxMessage = XdsServerConfig.DEFAULT_MAX_RECEIVE_MESSAGE_BYTES;
    String target;
    String authority = "";
    String description;
    switch (service.getTargetSpecifierCase()) {
      case ENVOY_GRPC -> {
        GrpcService.EnvoyGrpc envoy = service.getEnvoyGrpc();
        String ePath = FieldPath.child(sPath, "envoy_grpc");
        FieldRules.check(envoy, ePath, ctx, ENVOY_GRPC_FIELDS);
        target = clusterTarget(envoy.getClusterName(), clusters, FieldPath.child(ePath, "cluster_name"), ctx);
        authority = envoy.getAuthority();
        if (envoy.hasMaxReceiveMessageLength() && envoy.getMaxReceiveMessageLength().getValue() != 0) {
          maxMessage = ProtoValues.uint32(envoy.getMaxReceiveMessageLength().getValue(),
              FieldPath.child(ePath, "max_receive_message_length"), ctx);
        }
        if (envoy.hasRetryPolicy()) {
          String rPath = FieldPath.child(ePath, "retry_policy");
          FieldRules.check(envoy.getRetryPolicy(), rPath, ctx, RETRY_POLICY_FIELDS);
          if (envoy.getRetryPolicy().hasRetryBackOff()) {
            Duration[] backoff = backoff(envoy.getRetryPolicy().getRetryBackOff(),
                FieldPath.child(rPath, "retry_back_off"), ctx);
            base = backoff[0];
            max = backoff[1];
          }
        }
        description = "envoy_grpc cluster '" + envoy.getClusterName() + "' (" + target + ")";
      }
      case GOOGLE_GRPC -> {
        GrpcService.GoogleGrpc google = service.getGoogleGrpc();
        String gPath = FieldPath.child(sPath, "google_grpc");
        FieldRules.check(google, gPath, ctx, GOOGLE_GRPC_FIELDS);
        FieldRules.check(google.getChannelCredentials(), FieldPath.child(gPath, "channel_credentials"), ctx,
            CHANNEL_CREDENTIALS_FIELDS);
        target = google.getTargetUri();
        if (target.isEmpty()) {
          ctx.error(FieldPath.child(gPath, "target_uri"), "target_uri is required");
        }
        if (google.getStatPrefix().isEmpty()) {
          ctx.error(FieldPath.child(gPath, "stat_prefix"), "stat_prefix is required");
        }
        description = "google_grpc target '" + target + "'";
      }
      default -> {
        ctx.error(sPath, "envoy_grpc or google_grpc is required");
        return null;
      }
    }
    if (apiType == null || target == null || target.isEmpty() || base == null) {
      return null;
    }
    try {
      return new XdsServerConfig(apiType, target, authority, metadata, lds, cds, base, max,
          ads.getSetNodeOnFirstMessageOnly(), maxMessage, description);
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return null;
    }
  }

  /** Envoy's backoff rules: base at least 1 ms; max defaults to ten times the base and is not below it. */
  private static Duration[] backoff(BackoffStrategy strategy, String path, DecodeContext ctx) {
    FieldRules.check(strategy, path, ctx, BACKOFF_FIELDS);
    if (!strategy.hasBaseInterval()) {
      ctx.error(FieldPath.child(path, "base_interval"), "base_interval is required");
      return new Duration[] {null, null};
    }
    Duration base = ProtoValues.duration(strategy.getBaseInterval());
    if (base.compareTo(Duration.ofMillis(1)) < 0) {
      ctx.error(FieldPath.child(path, "base_interval"), "must be at least 1ms (value: "
          + ProtoValues.formatDuration(base) + ")");
      return new Duration[] {null, null};
    }
    Duration max = strategy.hasMaxInterval() ? ProtoValues.duration(strategy.getMaxInterval()) : base.multipliedBy(10);
    if (max.compareTo(base) < 0) {
      ctx.error(FieldPath.child(path, "max_interval"), "must not be below base_interval (value: "
          + ProtoValues.formatDuration(max) + ")");
      return new Duration[] {null, null};
    }
    return new Duration[] {base, max};
  }

  private static Map<String, String> initialMetadata(List<HeaderValue> headers, String path, DecodeContext ctx) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < headers.size(); i++) {
      HeaderValue h = headers.get(i);
      String hPath = FieldPath.element(path, i);
      FieldRules.check(h, hPath, ctx, HEADER_VALUE_FIELDS);
      String key = h.getKey().toLowerCase(Locale.ROOT);
      // gRPC reserves its own headers and pseudo-headers; binary (-bin) values need raw bytes.
      if (key.isEmpty() || key.startsWith(":") || key.startsWith("grpc-") || key.endsWith("-bin")) {
        ctx.error(FieldPath.child(hPath, "key"), "'" + h.getKey() + "' cannot be sent as initial metadata");
      } else if (out.putIfAbsent(key, h.getValue()) != null) {
        ctx.error(FieldPath.child(hPath, "key"), "duplicate initial metadata key '" + h.getKey() + "'");
      }
    }
    return out;
  }

  /**
   * A gRPC target for the one endpoint of static cluster {@code name}. gRPC resolves and
   * reconnects on its own, so a STRICT_DNS name is handed to its DNS resolver.
   */
  private static String clusterTarget(String name, List<Cluster> clusters, String path, DecodeContext ctx) {
    if (name.isEmpty()) {
      ctx.error(path, "cluster_name is required");
      return null;
    }
    Cluster cluster = clusters.stream().filter(c -> c.getName().equals(name)).findFirst().orElse(null);
    if (cluster == null) {
      ctx.error(path, "unknown cluster '" + name + "': the ADS server must be a cluster of static_resources.clusters");
      return null;
    }
    List<SocketAddress> addresses = new ArrayList<>();
    for (LocalityLbEndpoints locality : cluster.getLoadAssignment().getEndpointsList()) {
      for (LbEndpoint lb : locality.getLbEndpointsList()) {
        addresses.add(lb.getEndpoint().getAddress().getSocketAddress());
      }
    }
    if (addresses.size() != 1) {
      ctx.error(path, "the ADS cluster '" + name + "' must have exactly one endpoint (found " + addresses.size() + ")");
      return null;
    }
    SocketAddress a = addresses.get(0);
    if (a.getAddress().isEmpty() || a.getPortValue() == 0) {
      return null; // reported where the cluster itself is decoded
    }
    String host = a.getAddress().indexOf(':') >= 0 ? "[" + a.getAddress() + "]" : a.getAddress();
    return "dns:///" + host + ":" + a.getPortValue();
  }
}
