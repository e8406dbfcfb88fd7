package dev.sluice.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What a matched route does: forward to a cluster, redirect, or answer directly. */
public sealed interface RouteActionConfig {

  /** Envoy's default upstream timeout for a route: 15 seconds. */
  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  /**
   * Envoy's {@code route}: forward to one cluster or a weighted set. {@code timeout} of zero
   * disables the upstream timeout. {@code prefixRewrite}, {@code regexRewrite} and
   * {@code hostRewriteLiteral} are null when unset.
   */
  record Forward(
      List<WeightedCluster> clusters,
      String prefixRewrite,
      RegexRewrite regexRewrite,
      String hostRewriteLiteral,
      boolean autoHostRewrite,
      Duration timeout)
      implements RouteActionConfig {
    public Forward {
      clusters = List.copyOf(clusters);
      Objects.requireNonNull(timeout, "timeout");
      if (clusters.isEmpty()) {
        throw new IllegalArgumentException("a route action needs a cluster");
      }
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must not be negative: " + timeout);
      }
      if (prefixRewrite != null && regexRewrite != null) {
        throw new IllegalArgumentException("prefix_rewrite and regex_rewrite are mutually exclusive");
      }
      if (hostRewriteLiteral != null && autoHostRewrite) {
        throw new IllegalArgumentException("host_rewrite_literal and auto_host_rewrite are mutually exclusive");
      }
      long total = 0;
      for (WeightedCluster c : clusters) {
        total += c.weight();
      }
      if (clusters.size() > 1 && total == 0) {
        throw new IllegalArgumentException("weighted_clusters weights sum to zero");
      }
    }

    /** Forward everything to one cluster with default timeout and no rewrites. */
    public static Forward to(String cluster) {
      return new Forward(List.of(new WeightedCluster(cluster, 1, HeaderMutations.NONE)), null, null, null, false,
          DEFAULT_TIMEOUT);
    }

    public boolean isWeighted() {
      return clusters.size() > 1;
    }
  }

  /** One cluster of a weighted split (a lone cluster has weight 1). */
  record WeightedCluster(String name, int weight, HeaderMutations headers) {
    public WeightedCluster {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(headers, "headers");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("cluster name must not be empty");
      }
      if (weight < 0) {
        throw new IllegalArgumentException("weight must not be negative: " + weight);
      }
    }
  }

  /** {@code regex_rewrite}: every match of {@code pattern} in the path is replaced by {@code substitution}. */
  record RegexRewrite(SafeRegex pattern, String substitution) {
    public RegexRewrite {
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(substitution, "substitution");
    }
  }

  /**
   * Envoy's {@code redirect}. Null fields keep the request's value. {@code port} 0 keeps the
   * request's port (and drops it when the scheme changes to one whose default port differs).
   */
  record Redirect(
      String scheme,
      String host,
      int port,
      String pathRedirect,
      String prefixRewrite,
      int responseCode,
      boolean stripQuery)
      implements RouteActionConfig {
    public Redirect {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port_redirect " + port + " is outside 0..65535");
      }
      if (pathRedirect != null && prefixRewrite != null) {
        throw new IllegalArgumentException("path_redirect and prefix_rewrite are mutually exclusive");
      }
      if (responseCode != 301 && responseCode != 302 && responseCode != 303 && responseCode != 307
          && responseCode != 308) {
        throw new IllegalArgumentException("redirect response code " + responseCode + " is not 301/302/303/307/308");
      }
    }
  }

  /** Envoy's {@code direct_response}: answer with {@code status} and an optional body. */
  record DirectResponse(int status, String body) implements RouteActionConfig {
    public DirectResponse {
      if (status < 200 || status > 599) {
        throw new IllegalArgumentException("direct_response status " + status + " is outside 200..599");
      }
    }
  }
}
