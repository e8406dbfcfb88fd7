package dev.sluice.xds.resource;

import dev.sluice.config.EndpointConfig;
import dev.sluice.config.SocketAddressConfig;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes an EDS {@code ClusterLoadAssignment}.
 *
 * <p>Only priority 0 is served: the model has no priority levels yet, so endpoints of other
 * priorities are left out (and counted) rather than mixed into the primary set, where they would
 * take traffic that Envoy sends them only on failover. Endpoints whose health status is UNHEALTHY,
 * DRAINING, TIMEOUT or DEGRADED are left out, as Envoy leaves them out of load balancing while
 * healthy ones exist. Locality weights are accepted and ignored: Envoy reads them only when
 * locality-weighted balancing is configured on the cluster, which Sluice rejects.
 */
public final class ClusterLoadAssignmentDecoder {
  private static final Set<String> FIELDS = Set.of("cluster_name", "endpoints", "policy");
  private static final Set<String> POLICY_FIELDS = Set.of("overprovisioning_factor", "weighted_priority_health");
  private static final Set<String> LOCALITY_FIELDS = Set.of("lb_endpoints", "load_balancing_weight", "priority");
  private static final Set<String> LB_ENDPOINT_FIELDS = Set.of("endpoint", "health_status", "load_balancing_weight");
  private static final Set<String> ENDPOINT_FIELDS = Set.of("address");

  private ClusterLoadAssignmentDecoder() {}

  /** Decodes {@code cla} at {@code path}; empty when an error was recorded. */
  public static Optional<EndpointAssignment> decode(ClusterLoadAssignment cla, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(cla, path, ctx, FIELDS);
    if (cla.getClusterName().isEmpty()) {
      ctx.error(FieldPath.child(path, "cluster_name"), "cluster_name is required");
    }
    // Overprovisioning and priority-health weighting only shape spill-over between priorities.
    FieldRules.check(cla.getPolicy(), FieldPath.child(path, "policy"), ctx, POLICY_FIELDS);
    List<EndpointConfig> endpoints = new ArrayList<>();
    int otherPriority = 0;
    int unhealthy = 0;
    for (int i = 0; i < cla.getEndpointsCount(); i++) {
      LocalityLbEndpoints locality = cla.getEndpoints(i);
      String localityPath = FieldPath.element(path, "endpoints", i);
      FieldRules.check(locality, localityPath, ctx, LOCALITY_FIELDS);
      boolean primary = locality.getPriority() == 0;
      for (int j = 0; j < locality.getLbEndpointsCount(); j++) {
        LbEndpoint lb = locality.getLbEndpoints(j);
        EndpointConfig e = lbEndpoint(lb, FieldPath.element(localityPath, "lb_endpoints", j), ctx);
        if (e == null) {
          continue;
        }
        if (!primary) {
          otherPriority++;
        } else if (!usable(lb.getHealthStatus())) {
          unhealthy++;
        } else {
          endpoints.add(e);
        }
      }
    }
    if (ctx.errorCount() != before) {
      return Optional.empty();
    }
    return Optional.of(new EndpointAssignment(endpoints, otherPriority, unhealthy));
  }

  private static boolean usable(HealthStatus status) {
    return status == HealthStatus.HEALTHY || status == HealthStatus.UNKNOWN;
  }

  private static EndpointConfig lbEndpoint(LbEndpoint lb, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(lb, path, ctx, LB_ENDPOINT_FIELDS);
    SocketAddressConfig address = null;
    String endpointPath = FieldPath.child(path, "endpoint");
    if (lb.hasEndpoint()) {
      Endpoint endpoint = lb.getEndpoint();
      FieldRules.check(endpoint, endpointPath, ctx, ENDPOINT_FIELDS);
      if (endpoint.hasAddress()) {
        address = AddressDecoder.decode(endpoint.getAddress(), AddressDecoder.Use.EDS_ENDPOINT,
            FieldPath.child(endpointPath, "address"), ctx);
      } else {
        ctx.error(FieldPath.child(endpointPath, "address"), "an endpoint needs an address");
      }
    } else if (ctx.errorCount() == before) {
      ctx.error(endpointPath, "endpoint is required");
    }
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
