package dev.sluice.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An upstream cluster: how its endpoints are discovered, how one is picked, and connection
 * settings. Envoy's defaults: 5 s connect timeout, 5 s DNS refresh, one hour upstream idle
 * timeout.
 *
 * @param tls the cluster's {@code transport_socket} (Envoy's {@code UpstreamTlsContext}), or
 *     {@code null} for plaintext upstream connections
 */
public record ClusterConfig(
    String name,
    DiscoveryType type,
    Duration connectTimeout,
    LbPolicy lbPolicy,
    List<EndpointConfig> endpoints,
    Duration dnsRefreshRate,
    Duration idleTimeout,
    int maxRequestsPerConnection,
    DnsLookupFamily dnsLookupFamily,
    UpstreamTlsConfig tls) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_DNS_REFRESH_RATE = Duration.ofSeconds(5);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

  /**
   * Envoy's cluster discovery types that Sluice serves. For EDS the endpoints are those of the
   * latest ClusterLoadAssignment, filled in before the snapshot is published.
   */
  public enum DiscoveryType {
    STATIC,
    STRICT_DNS,
    EDS
  }

  /**
   * Envoy's {@code dns_lookup_family}. AUTO, Envoy's default, uses the IPv6 answers when there are
   * any and the IPv4 ones otherwise; V4_PREFERRED the reverse; ALL uses both.
   */
  public enum DnsLookupFamily {
    AUTO,
    V4_ONLY,
    V6_ONLY,
    V4_PREFERRED,
    ALL
  }

  /** Envoy's load-balancing policies that Sluice serves. */
  public enum LbPolicy {
    ROUND_ROBIN,
    LEAST_REQUEST,
    RANDOM
  }

  public ClusterConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(lbPolicy, "lbPolicy");
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(dnsRefreshRate, "dnsRefreshRate");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(dnsLookupFamily, "dnsLookupFamily");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("cluster name must not be empty");
    }
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connect_timeout must be positive: " + connectTimeout);
    }
    if (dnsRefreshRate.toMillis() < 1) {
      throw new IllegalArgumentException("dns_refresh_rate must be at least 1ms: " + dnsRefreshRate);
    }
    if (maxRequestsPerConnection < 0) {
      throw new IllegalArgumentException("max_requests_per_connection must not be negative");
    }
  }

  /** A cluster resolving names with Envoy's default lookup family, AUTO. */
  public ClusterConfig(String name, DiscoveryType type, Duration connectTimeout, LbPolicy lbPolicy,
      List<EndpointConfig> endpoints, Duration dnsRefreshRate, Duration idleTimeout, int maxRequestsPerConnection) {
    this(name, type, connectTimeout, lbPolicy, endpoints, dnsRefreshRate, idleTimeout, maxRequestsPerConnection,
        DnsLookupFamily.AUTO, null);
  }

  /** A STATIC round-robin cluster with Envoy's defaults. */
  public static ClusterConfig ofStatic(String name, List<EndpointConfig> endpoints) {
    return new ClusterConfig(name, DiscoveryType.STATIC, DEFAULT_CONNECT_TIMEOUT, LbPolicy.ROUND_ROBIN, endpoints,
        DEFAULT_DNS_REFRESH_RATE, DEFAULT_IDLE_TIMEOUT, 0);
  }

  /** This cluster with other endpoints (an EDS update). */
  public ClusterConfig withEndpoints(List<EndpointConfig> newEndpoints) {
    return new ClusterConfig(name, type, connectTimeout, lbPolicy, newEndpoints, dnsRefreshRate, idleTimeout,
        maxRequestsPerConnection, dnsLookupFamily, tls);
  }

  /** This cluster with another upstream TLS context ({@code null} for plaintext). */
  public ClusterConfig withTls(UpstreamTlsConfig upstreamTls) {
    return new ClusterConfig(name, type, connectTimeout, lbPolicy, endpoints, dnsRefreshRate, idleTimeout,
        maxRequestsPerConnection, dnsLookupFamily, upstreamTls);
  }
}
