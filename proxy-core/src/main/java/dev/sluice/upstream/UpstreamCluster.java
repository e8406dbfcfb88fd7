package dev.sluice.upstream;

import dev.sluice.common.RandomSource;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.upstream.lb.LbPolicyProvider;
import dev.sluice.upstream.lb.Picker;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  /**
   * What a request reads: configuration, endpoints, the picker over them, and the TLS origination
   * ({@code null} for plaintext) that connections to these endpoints use.
   */
  public record State(ClusterConfig config, List<UpstreamEndpoint> endpoints, Picker picker, UpstreamTls tls) {}

  private final String name;
  private final ClusterStats stats;
  private volatile State state;
  private volatile boolean removed;

  UpstreamCluster(String name, ClusterStats stats, ClusterConfig config, LbPolicyProvider lb) {
    this.name = name;
    this.stats = stats;
    this.state = new State(config, List.of(), lb.newPicker(List.of()), null);
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
    return state.tls();
  }

  public boolean isRemoved() {
    return removed;
  }

  /**
   * Publishes new settings and endpoints; called only by the cluster manager's single writer.
   *
   * <p>A different {@code tls} instance means new TLS settings. Then no endpoint is kept: each
   * gets a fresh object, so a pool (keyed by endpoint) never hands out a connection that was
   * made with the old certificate, CA or SNI, and the old endpoints, marked removed, drain their
   * pools. Envoy likewise replaces the whole cluster, pools included, on any CDS change. Tagging
   * each connection instead would add a check to every reuse for a rare event.
   */
  void update(ClusterConfig config, List<ResolvedEndpoint> resolved, LbPolicyProvider lb, UpstreamTls tls) {
    boolean keep = state.tls() == tls;
    // Hash lookups keep this linear: a cluster may carry 10,000 endpoints from EDS.
    Map<Identity, UpstreamEndpoint> previous = new HashMap<>();
    for (UpstreamEndpoint e : state.endpoints()) {
      previous.putIfAbsent(new Identity(e.address(), e.weight()), e);
    }
    List<UpstreamEndpoint> next = new ArrayList<>(resolved.size());
    for (ResolvedEndpoint r : resolved) {
      UpstreamEndpoint kept = keep ? previous.remove(new Identity(r.address(), r.weight())) : null;
      next.add(kept != null ? kept : new UpstreamEndpoint(this, r.configured(), r.address(), r.weight()));
    }
    publish(config, next, lb, tls);
  }

  /**
   * Publishes new settings, keeping the endpoint addresses (used while DNS has not answered yet);
   * with new TLS settings the endpoints are renewed as in {@link #update}.
   */
  void updateConfig(ClusterConfig config, LbPolicyProvider lb, UpstreamTls tls) {
    State s = state;
    if (s.tls() == tls) {
      state = new State(config, s.endpoints(), lb.newPicker(s.endpoints()), tls);
      return;
    }
    List<UpstreamEndpoint> renewed = new ArrayList<>(s.endpoints().size());
    for (UpstreamEndpoint e : s.endpoints()) {
      renewed.add(new UpstreamEndpoint(this, e.configured(), e.address(), e.weight()));
    }
    publish(config, renewed, lb, tls);
  }

  private void publish(ClusterConfig config, List<UpstreamEndpoint> next, LbPolicyProvider lb, UpstreamTls tls) {
    List<UpstreamEndpoint> endpoints = List.copyOf(next);
    State previous = state;
    state = new State(config, endpoints, lb.newPicker(endpoints), tls);
    stats.membershipTotal.set(endpoints.size());
    Set<UpstreamEndpoint> live = Collections.newSetFromMap(new IdentityHashMap<>());
    live.addAll(endpoints);
    for (UpstreamEndpoint e : previous.endpoints()) {
      if (!live.contains(e)) {
        e.markRemoved();
      }
    }
  }

  void markRemoved() {
    removed = true;
    for (UpstreamEndpoint e : state.endpoints()) {
      e.markRemoved();
    }
  }
}
