package dev.sluice.xds.resource;

import dev.sluice.config.ClusterConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.config.UpstreamTlsConfig;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes one Envoy {@code Cluster}: STATIC or STRICT_DNS discovery with endpoints from an inline
 * {@code load_assignment}, or (for clusters from CDS) EDS over the ADS stream; a round-robin,
 * least-request or random load balancer; TLS to the endpoints through {@code transport_socket}.
 */
public final class ClusterDecoder {
  private static final Set<String> CLUSTER_FIELDS = Set.of("name", "type", "connect_timeout", "lb_policy",
      "load_assignment", "dns_refresh_rate", "common_http_protocol_options", "max_requests_per_connection",
      "dns_lookup_family", "eds_cluster_config", "transport_socket");
  private static final Set<String> EDS_CLUSTER_CONFIG_FIELDS = Set.of("eds_config", "service_name");
  private static final Set<String> PROTOCOL_OPTIONS_FIELDS = Set.of("idle_timeout", "max_requests_per_connection");
  private static final Set<String> LOAD_ASSIGNMENT_FIELDS = Set.of("cluster_name", "endpoints");
  private static final Set<String> LOCALITY_FIELDS = Set.of("lb_endpoints", "load_balancing_weight", "priority");
  private static final Set<String> LB_ENDPOINT_FIELDS = Set.of("endpoint", "load_balancing_weight");
  private static final Set<String> ENDPOINT_FIELDS = Set.of("address");

  private ClusterDecoder() {}

  /** Decodes {@code cluster} at {@code path}; empty when an error was recorded. */
  @SuppressWarnings("deprecation") // deprecated in the v3 API, but Envoy still accepts it and files use it
  public static Optional<ClusterConfig> decode(Cluster cluster, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(cluster, path, ctx, CLUSTER_FIELDS);
    if (cluster.getName().isEmpty()) {
      ctx.error(FieldPath.child(path, "name"), "a cluster needs a name");
    }
    ClusterConfig.DiscoveryType type = type(cluster, FieldPath.child(path, "type"), ctx);
    ClusterConfig.LbPolicy lbPolicy = lbPolicy(cluster, FieldPath.child(path, "lb_policy"), ctx);
    Duration connectTimeout = ProtoValues.positive(cluster.hasConnectTimeout(), cluster.getConnectTimeout(),
        ClusterConfig.DEFAULT_CONNECT_TIMEOUT, FieldPath.child(path, "connect_timeout"), ctx);
    Duration dnsRefreshRate = dnsRefreshRate(cluster, FieldPath.child(path, "dns_refresh_rate"), ctx);

    HttpProtocolOptions common = cluster.getCommonHttpProtocolOptions();
    String commonPath = FieldPath.child(path, "common_http_protocol_options");
    FieldRules.check(common, commonPath, ctx, PROTOCOL_OPTIONS_FIELDS);
    Duration idleTimeout = ProtoValues.nonNegative(common.hasIdleTimeout(), common.getIdleTimeout(),
        ClusterConfig.DEFAULT_IDLE_TIMEOUT, FieldPath.child(commonPath, "idle_timeout"), ctx);
    int maxRequests = maxRequestsPerConnection(cluster, path, ctx);

    edsClusterConfig(cluster, type, path, ctx);
    List<EndpointConfig> endpoints = List.of();
    if (cluster.hasLoadAssignment() && type == ClusterConfig.DiscoveryType.EDS) {
      ctx.error(FieldPath.child(path, "load_assignment"), "an EDS cluster takes its endpoints from EDS;"
          + " load_assignment is for STATIC and STRICT_DNS clusters");
    } else if (cluster.hasLoadAssignment() && type != null) {
      endpoints = endpoints(cluster.getLoadAssignment(), type, FieldPath.child(path, "load_assignment"), ctx);
    }
    UpstreamTlsConfig tls = cluster.hasTransportSocket()
        ? TlsContextDecoder.upstream(cluster.getTransportSocket(), FieldPath.child(path, "transport_socket"), ctx)
        : null;
    ClusterConfig.DnsLookupFamily family = dnsLookupFamily(cluster, FieldPath.child(path, "dns_lookup_family"), ctx);
    if (ctx.errorCount() != before) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ClusterConfig(cluster.getName(), type, connectTimeout, lbPolicy, endpoints,
          dnsRefreshRate, idleTimeout, maxRequests, family, tls));
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return Optional.empty();
    }
  }

  private static ClusterConfig.DnsLookupFamily dnsLookupFamily(Cluster cluster, String path, DecodeContext ctx) {
    return switch (cluster.getDnsLookupFamily()) {
      case AUTO -> ClusterConfig.DnsLookupFamily.AUTO;
      case V4_ONLY -> ClusterConfig.DnsLookupFamily.V4_ONLY;
      case V6_ONLY -> ClusterConfig.DnsLookupFamily.V6_ONLY;
      case V4_PREFERRED -> ClusterConfig.DnsLookupFamily.V4_PREFERRED;
      case ALL -> ClusterConfig.DnsLookupFamily.ALL;
      default -> {
        ctx.error(path, "unknown value " + cluster.getDnsLookupFamilyValue());
        yield ClusterConfig.DnsLookupFamily.AUTO;
      }
    };
  }

  private static ClusterConfig.DiscoveryType type(Cluster cluster, String path, DecodeContext ctx) {
    if (cluster.hasClusterType()) {
      return null; // a custom cluster type, reported by the field check
    }
    return switch (cluster.getType()) {
      case STATIC -> ClusterConfig.DiscoveryType.STATIC;
      case STRICT_DNS -> ClusterConfig.DiscoveryType.STRICT_DNS;
      case EDS -> {
        if (!ctx.isXdsResource()) {
          ctx.error(path, "cluster type EDS is supported only for clusters from CDS (dynamic_resources.cds_config);"
              + " a static cluster needs STATIC or STRICT_DNS");
          yield null;
        }
        yield ClusterConfig.DiscoveryType.EDS;
      }
      default -> {
        ctx.error(path, "cluster type " + cluster.getType() + " is not supported by Sluice in this version"
            + " (supported: STATIC, STRICT_DNS, EDS)");
        yield null;
      }
    };
  }

  private static void edsClusterConfig(Cluster cluster, ClusterConfig.DiscoveryType type, String path,
      DecodeContext ctx) {
    String edsPath = FieldPath.child(path, "eds_cluster_config");
    if (type != ClusterConfig.DiscoveryType.EDS) {
      if (cluster.hasEdsClusterConfig() && type != null) {
        ctx.error(edsPath, "eds_cluster_config is used only by clusters of type EDS (type: " + type + ")");
      }
      return;
    }
    Cluster.EdsClusterConfig eds = cluster.getEdsClusterConfig();
    FieldRules.check(eds, edsPath, ctx, EDS_CLUSTER_CONFIG_FIELDS);
    if (eds.hasEdsConfig()) {
      ConfigSourceDecoder.adsOnly(eds.getEdsConfig(), FieldPath.child(edsPath, "eds_config"), ctx, true);
    } else {
      ctx.error(FieldPath.child(edsPath, "eds_config"), "eds_config is required (Sluice supports ads: {})");
    }
  }

  /**
   * What an EDS cluster subscribes to: the ClusterLoadAssignment named by {@code service_name}, or
   * by the cluster's own name when that is empty (Envoy's rule), and the initial fetch timeout
   * after which the cluster warms without endpoints. Only meaningful for a cluster that decoded.
   */
  public static EdsSubscription edsSubscription(Cluster cluster) {
    Cluster.EdsClusterConfig eds = cluster.getEdsClusterConfig();
    String name = eds.getServiceName().isEmpty() ? cluster.getName() : eds.getServiceName();
    Duration timeout = eds.getEdsConfig().hasInitialFetchTimeout()
        ? ProtoValues.duration(eds.getEdsConfig().getInitialFetchTimeout())
        : ConfigSourceDecoder.DEFAULT_INITIAL_FETCH_TIMEOUT;
    return new EdsSubscription(name, timeout);
  }

  private static ClusterConfig.LbPolicy lbPolicy(Cluster cluster, String path, DecodeContext ctx) {
    return switch (cluster.getLbPolicy()) {
      case ROUND_ROBIN -> ClusterConfig.LbPolicy.ROUND_ROBIN;
      case LEAST_REQUEST -> ClusterConfig.LbPolicy.LEAST_REQUEST;
      case RANDOM -> ClusterConfig.LbPolicy.RANDOM;
      default -> {
        ctx.error(path, "lb_policy " + cluster.getLbPolicy() + " is not supported by Sluice"
            + " (supported: ROUND_ROBIN, LEAST_REQUEST, RANDOM)");
        yield ClusterConfig.LbPolicy.ROUND_ROBIN;
      }
    };
  }

  // Envoy requires dns_refresh_rate to be greater than 1ms; it defaults to 5s.
  @SuppressWarnings("deprecation") // deprecated in the v3 API, but Envoy still accepts it and files use it
  private static Duration dnsRefreshRate(Cluster cluster, String path, DecodeContext ctx) {
    if (!cluster.hasDnsRefreshRate()) {
      return ClusterConfig.DEFAULT_DNS_REFRESH_RATE;
    }
    Duration d = ProtoValues.duration(cluster.getDnsRefreshRate());
    if (d.compareTo(Duration.ofMillis(1)) <= 0) {
      ctx.error(path, "must be greater than 1ms (value: " + ProtoValues.formatDuration(d) + ")");
      return ClusterConfig.DEFAULT_DNS_REFRESH_RATE;
    }
    return d;
  }

  /**
   * The deprecated cluster-level field and the one in common_http_protocol_options mean the same;
   * Envoy refuses a cluster that sets both. Unset means no limit, which the model spells 0.
   */
  @SuppressWarnings("deprecation") // deprecated in the v3 API, but Envoy still accepts it and files use it
  private static int maxRequestsPerConnection(Cluster cluster, String path, DecodeContext ctx) {
    HttpProtocolOptions common = cluster.getCommonHttpProtocolOptions();
    if (cluster.hasMaxRequestsPerConnection() && common.hasMaxRequestsPerConnection()) {
      ctx.error(FieldPath.child(path, "max_requests_per_connection"), "only one of max_requests_per_connection"
          + " and common_http_protocol_options.max_requests_per_connection may be set");
      return 0;
    }
    if (cluster.hasMaxRequestsPerConnection()) {
      return ProtoValues.uint32(cluster.getMaxRequestsPerConnection().getValue(),
          FieldPath.child(path, "max_requests_per_connection"), ctx);
    }
    return ProtoValues.uint32(common.hasMaxRequestsPerConnection(), common.getMaxRequestsPerConnection(), 0,
        FieldPath.child(path, "common_http_protocol_options.max_requests_per_connection"), ctx);
  }

  private static List<EndpointConfig> endpoints(
      ClusterLoadAssignment cla, ClusterConfig.DiscoveryType type, String path, DecodeContext ctx) {
    FieldRules.check(cla, path, ctx, LOAD_ASSIGNMENT_FIELDS);
    AddressDecoder.Use use = type == ClusterConfig.DiscoveryType.STATIC
        ? AddressDecoder.Use.STATIC_ENDPOINT
        : AddressDecoder.Use.DNS_ENDPOINT;
    List<EndpointConfig> out = new ArrayList<>();
    for (int i = 0; i < cla.getEndpointsCount(); i++) {
      LocalityLbEndpoints locality = cla.getEndpoints(i);
      String localityPath = FieldPath.element(path, "endpoints", i);
      FieldRules.check(locality, localityPath, ctx, LOCALITY_FIELDS);
      // Priorities and locality weights would need priority-level and locality-weighted
      // balancing, which the model has no place for; refusing them beats flattening them.
      if (locality.getPriority() != 0) {
        ctx.error(FieldPath.child(localityPath, "priority"),
            "priority levels are not supported by Sluice (value: " + Integer.toUnsignedString(locality.getPriority())
                + ")");
      }
      if (locality.hasLoadBalancingWeight()) {
        ctx.error(FieldPath.child(localityPath, "load_balancing_weight"),
            "locality weights are not supported by Sluice (value: "
                + Integer.toUnsignedString(locality.getLoadBalancingWeight().getValue()) + ")");
      }
      for (int j = 0; j < locality.getLbEndpointsCount(); j++) {
        EndpointConfig e = lbEndpoint(locality.getLbEndpoints(j), use,
            FieldPath.element(localityPath, "lb_endpoints", j), ctx);
        if (e != null) {
          out.add(e);
        }
      }
    }
    return out;
  }

  private static EndpointConfig lbEndpoint(LbEndpoint lb, AddressDecoder.Use use, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(lb, path, ctx, LB_ENDPOINT_FIELDS);
    SocketAddressConfig address = null;
    if (lb.hasEndpoint()) {
      Endpoint endpoint = lb.getEndpoint();
      String endpointPath = FieldPath.child(path, "endpoint");
      FieldRules.check(endpoint, endpointPath, ctx, ENDPOINT_FIELDS);
      if (endpoint.hasAddress()) {
        address = AddressDecoder.decode(endpoint.getAddress(), use, FieldPath.child(endpointPath, "address"), ctx);
      } else {
        ctx.error(FieldPath.child(endpointPath, "address"), "an endpoint needs an address");
      }
    } else if (ctx.errorCount() == before) {
      ctx.error(FieldPath.child(path, "endpoint"), "endpoint is required");
    }
    // Envoy: load_balancing_weight defaults to 1 and must be at least 1.
    String weightPath = FieldPath.child(path, "load_balancing_weight");
    int weight = ProtoValues.uint32(lb.hasLoadBalancingWeight(), lb.getLoadBalancingWeight(), 1, weightPath, ctx);
    if (ctx.errorCount() != before) {
      return null;
    }
    try {
      return new EndpointConfig(address, weight);
    } catch (IllegalArgumentException e) {
      ctx.error(weightPath, e.getMessage());
      return null;
    }
  }
}
