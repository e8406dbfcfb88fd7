package dev.sluice.xds.resource;

import dev.sluice.config.EndpointConfig;
import java.util.List;

/**
 * The endpoints a ClusterLoadAssignment gives an EDS cluster: those of priority 0 whose health
 * status is HEALTHY or UNKNOWN. The counts say how many were left out, for stats and logs.
 */
public record EndpointAssignment(List<EndpointConfig> endpoints, int otherPriorityEndpoints, int unhealthyEndpoints) {
  public static final EndpointAssignment EMPTY = new EndpointAssignment(List.of(), 0, 0);

  public EndpointAssignment {
    endpoints = List.copyOf(endpoints);
  }
}
