package dev.sluice.upstream;

import dev.sluice.common.RandomSource;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.upstream.lb.LbPolicyProvider;
import dev.sluice.upstream.lb.Picker;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A live cluster. The object lives as long as a cluster of its name is configured; each update
 * publishes a new immutable {@link State} with one volatile write, keeping the endpoint objects
 * (and so their pools and counters) whose address and weight did not change.
 */
public final class UpstreamCluster {
  /** A resolved endpoint before it becomes live: the configured address, the resolved one, the weight. */
  public record ResolvedEndpoint(SocketAddressConfig configured, InetSocketAddress address, int weight) {}

  /** What makes an endpoint the same one across updates: its resolved address and its weight. */
  private record Identity(InetSocketAddress address, int weight) {}

  /** What a request reads: configuration, endpoints and the picker over them. */
  public record State(ClusterConfig config, List<UpstreamEndpoint> endpoints, Picker picker) {}

  private final String name;
  private final ClusterStats stats;
  private volatile State state;
  private volatile boolean removed;

  UpstreamCluster(String name, ClusterStats stats, ClusterConfig config, LbPolicyProvider lb) {
    this.name = name;
    this.stats = stats;
    this.state = new State(config, List.of(), lb.newPicker(List.of()));
  }

  public String name() {
    return name;
  }

  public ClusterStats stats() {
    return stats;
  }

  public State state() {
    return state;
  }

  public ClusterConfig config() {
    return state.config();
  }

  public List<UpstreamEndpoint> endpoints() {
    return state.endpoints();
  }

  /** Picks an endpoint for one request, or null when the cluster has none. */
  public UpstreamEndpoint pick(RandomSource random) {
    return state.picker().pick(random);
  }

  /** The cluster's TLS origination, or {@code null} for plaintext connections. */
  public UpstreamTls tls() {
    return null;
  }

  public boolean isRemoved() {
    return removed;
  }

  /** Publishes new settings and endpoints; called only by the cluster manager's single writer. */
  void update(ClusterConfig config, List<ResolvedEndpoint> resolved, LbPolicyProvider lb) {
    // Hash lookups keep this linear: a cluster may carry 10,000 endpoints from EDS.
    Map<Identity, UpstreamEndpoint> previous = new HashMap<>();
    for (UpstreamEndpoint e : state.endpoints()) {
      previous.putIfAbsent(new Identity(e.address(), e.weight()), e);
    }
    List<UpstreamEndpoint> next = new ArrayList<>(resolved.size());
    for (ResolvedEndpoint r : resolved) {
      UpstreamEndpoint kept = previous.remove(new Identity(r.address(), r.weight()));
      next.add(kept != null ? kept : new UpstreamEndpoint(this, r.configured(), r.address(), r.weight()));
    }
    for (UpstreamEndpoint gone : previous.values()) {
      gone.markRemoved();
    }
    List<UpstreamEndpoint> endpoints = List.copyOf(next);
    state = new State(config, endpoints, lb.newPicker(endpoints));
    stats.membershipTotal.set(endpoints.size());
  }

  /** Publishes new settings only, keeping the endpoints (used while DNS has not answered yet). */
  void updateConfig(ClusterConfig config, LbPolicyProvider lb) {
    State s = state;
    state = new State(config, s.endpoints(), lb.newPicker(s.endpoints()));
  }

  void markRemoved() {
    removed = true;
    for (UpstreamEndpoint e : state.endpoints()) {
      e.markRemoved();
    }
  }
}
