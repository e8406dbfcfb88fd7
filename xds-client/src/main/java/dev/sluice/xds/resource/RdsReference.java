package dev.sluice.xds.resource;

import java.time.Duration;
import java.util.Objects;

/**
 * A connection manager's reference to an RDS route configuration: which filter chain of the
 * listener it sits in, the route configuration's name, the connection manager's stat prefix (RDS
 * stats live under {@code http.<stat_prefix>.rds.<name>}), and how long the listener may warm
 * waiting for it ({@link Duration#ZERO}: no limit).
 */
public record RdsReference(int filterChain, String routeConfigName, String statPrefix, Duration initialFetchTimeout) {
  public RdsReference {
    Objects.requireNonNull(routeConfigName, "routeConfigName");
    Objects.requireNonNull(statPrefix, "statPrefix");
    Objects.requireNonNull(initialFetchTimeout, "initialFetchTimeout");
  }
}
