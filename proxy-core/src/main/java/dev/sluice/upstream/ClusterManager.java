package dev.sluice.upstream;

import dev.sluice.config.ClusterConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.upstream.lb.LbPolicyRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the live clusters. All changes run on one control thread (the single writer); requests
 * read clusters through a concurrent map and each cluster's volatile state. STRICT_DNS names are
 * resolved on a separate thread so that a slow resolver delays neither event loops nor updates.
 */
public final class ClusterManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterManager.class);

  private final StatsRegistry stats;
  private final LbPolicyRegistry lbPolicies;
  private final UpstreamTlsProvider tlsProvider;
  private final Map<String, UpstreamCluster> clusters = new ConcurrentHashMap<>();
  private final Map<String, ScheduledFuture<?>> dnsTimers = new HashMap<>();
  private final Map<String, CompletableFuture<Void>> firstResolution = new HashMap<>();
  private final ScheduledExecutorService control;
  private final ExecutorService resolver;

  /** A manager that refuses TLS clusters (their connections fail; see {@link UpstreamTlsProvider#UNSUPPORTED}). */
  public ClusterManager(StatsRegistry stats, LbPolicyRegistry lbPolicies) {
    this(stats, lbPolicies, UpstreamTlsProvider.UNSUPPORTED);
  }

  /** A manager whose TLS clusters get their origination from {@code tlsProvider}, called on the control thread. */
  public ClusterManager(StatsRegistry stats, LbPolicyRegistry lbPolicies, UpstreamTlsProvider tlsProvider) {
    this.stats = stats;
    this.lbPolicies = lbPolicies;
    this.tlsProvider = Objects.requireNonNull(tlsProvider, "tlsProvider");
    this.control = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sluice-cluster-manager"));
    this.resolver = Executors.newFixedThreadPool(2, r -> daemon(r, "sluice-dns"));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The live cluster of this name, or null. */
  public UpstreamCluster get(String name) {
    return clusters.get(name);
  }

  public Collection<UpstreamCluster> clusters() {
    return clusters.values();
  }

  /**
   * Makes the live clusters equal to {@code configs}: adds new ones, updates changed ones (keeping
   * surviving endpoints), removes the rest. The future completes once every cluster has had its
   * first address resolution, so that listeners can wait for their clusters as Envoy's init
   * manager does.
   */
  public CompletableFuture<Void> update(Map<String, ClusterConfig> configs) {
    Map<String, ClusterConfig> copy = Map.copyOf(configs);
    return CompletableFuture.supplyAsync(() -> {
      applyNow(copy);
      return waitAll(copy.keySet());
    }, control).thenCompose(f -> f);
  }

  private CompletableFuture<Void> waitAll(Collection<String> names) {
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (String name : names) {
      CompletableFuture<Void> f = firstResolution.get(name);
      if (f != null) {
        pending.add(f);
      }
    }
    return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]));
  }

  private void applyNow(Map<String, ClusterConfig> configs) {
    for (String name : new ArrayList<>(clusters.keySet())) {
      if (!configs.containsKey(name)) {
        UpstreamCluster removed = clusters.remove(name);
        removed.markRemoved();
        closeTls(removed.tls());
        cancelDns(name);
        firstResolution.remove(name);
        log.info("cluster {} removed", name);
      }
    }
    for (ClusterConfig config : configs.values()) {
      UpstreamCluster existing = clusters.get(config.name());
      if (existing != null && existing.config().equals(config)) {
        continue;
      }
      UpstreamCluster cluster = existing;
      if (cluster == null) {
        cluster = new UpstreamCluster(
            config.name(), new ClusterStats(stats, config.name()), config, lbPolicies.provider(config.lbPolicy()));
        clusters.put(config.name(), cluster);
      }
      cancelDns(config.name());
      // Endpoints before TLS: a TLS context must not be created for an update that then throws.
      List<UpstreamCluster.ResolvedEndpoint> literal =
          config.type() == ClusterConfig.DiscoveryType.STRICT_DNS ? null : staticEndpoints(config);
      UpstreamTls previousTls = cluster.tls();
      UpstreamTls tls = tlsFor(cluster, existing == null ? null : existing.config(), config);
      switch (config.type()) {
        case STATIC, EDS -> {
          cluster.update(config, literal, lbPolicies.provider(config.lbPolicy()), tls);
          cluster.stats().updateSuccess.inc();
          firstResolution.put(config.name(), CompletableFuture.completedFuture(null));
        }
        case STRICT_DNS -> {
          cluster.updateConfig(config, lbPolicies.provider(config.lbPolicy()), tls);
          CompletableFuture<Void> first = new CompletableFuture<>();
          firstResolution.put(config.name(), first);
          scheduleDns(cluster, config, first, 0);
        }
      }
      if (tls != null && tls != previousTls) {
        // A new TLS context counts as initialised once its certificate and CA are loaded.
        CompletableFuture<Void> resolved = firstResolution.get(config.name());
        firstResolution.put(config.name(), resolved == null ? tls.ready() : resolved.thenCombine(tls.ready(), (a, b) -> null));
      }
      if (previousTls != tls) {
        // After the swap: a connect that read the old state may still take a handler from it, and
        // closing only stops the certificate watches, so that handler stays usable.
        closeTls(previousTls);
      }
    }
  }

  /**
   * The TLS origination for {@code config}: the cluster's current one when the TLS settings did
   * not change, else a new one. A provider failure leaves a stand-in whose connects fail with the
   * reason, and is retried on the cluster's next change.
   */
  private UpstreamTls tlsFor(UpstreamCluster cluster, ClusterConfig previous, ClusterConfig config) {
    UpstreamTls current = cluster.tls();
    if (previous != null && Objects.equals(previous.tls(), config.tls()) && !(current instanceof UnavailableUpstreamTls)) {
      return current;
    }
    if (config.tls() == null) {
      return null;
    }
    try {
      return Objects.requireNonNull(tlsProvider.create(config.name(), config.tls()), "provider returned null");
    } catch (RuntimeException e) {
      cluster.stats().updateFailure.inc();
      log.error("cluster {}: cannot set up upstream TLS; its connections will fail: {}", config.name(), e.toString());
      return new UnavailableUpstreamTls(String.valueOf(e.getMessage()));
    }
  }

  private static void closeTls(UpstreamTls tls) {
    if (tls == null) {
      return;
    }
    try {
      tls.close();
    } catch (RuntimeException e) {
      log.warn("closing upstream TLS failed", e);
    }
  }

  private static List<UpstreamCluster.ResolvedEndpoint> staticEndpoints(ClusterConfig config) {
    List<UpstreamCluster.ResolvedEndpoint> out = new ArrayList<>();
    for (EndpointConfig e : config.endpoints()) {
      InetSocketAddress address = new InetSocketAddress(literal(e.address().host()), e.address().port());
      out.add(new UpstreamCluster.ResolvedEndpoint(e.address(), address, e.weight()));
    }
    return out;
  }

  private static InetAddress literal(String host) {
    try {
      // For an IP literal getByName parses without a lookup; the decoder rejected names for STATIC.
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + host, e);
    }
  }

  private void scheduleDns(UpstreamCluster cluster, ClusterConfig config, CompletableFuture<Void> first, long delayMs) {
    ScheduledFuture<?> timer = control.schedule(
        () -> resolver.execute(() -> resolve(cluster, config, first)), delayMs, TimeUnit.MILLISECONDS);
    dnsTimers.put(config.name(), timer);
  }

  /** Runs on a resolver thread; publishes on the control thread. */
  private void resolve(UpstreamCluster cluster, ClusterConfig config, CompletableFuture<Void> first) {
    List<UpstreamCluster.ResolvedEndpoint> resolved = new ArrayList<>();
    UnknownHostException failure = null;
    for (EndpointConfig e : config.endpoints()) {
      try {
        for (InetAddress a : DnsFamilies.select(InetAddress.getAllByName(e.address().host()),
            config.dnsLookupFamily())) {
          resolved.add(new UpstreamCluster.ResolvedEndpoint(e.address(), new InetSocketAddress(a, e.address().port()),
              e.weight()));
        }
      } catch (UnknownHostException ex) {
        failure = ex;
      }
    }
    if (failure == null && resolved.isEmpty()) {
      failure = new UnknownHostException("no address of family " + config.dnsLookupFamily());
    }
    UnknownHostException error = failure;
    control.execute(() -> {
      if (clusters.get(config.name()) != cluster || !cluster.config().equals(config)) {
        return; // superseded by a newer update
      }
      if (error != null) {
        // As Envoy does, keep the last good hosts when a refresh fails.
        cluster.stats().updateFailure.inc();
        log.warn("cluster {}: DNS resolution failed: {}", config.name(), error.getMessage());
      } else {
        cluster.update(config, resolved, lbPolicies.provider(config.lbPolicy()), cluster.tls());
        cluster.stats().updateSuccess.inc();
      }
      first.complete(null);
      scheduleDns(cluster, config, first, config.dnsRefreshRate().toMillis());
    });
  }

  private void cancelDns(String name) {
    ScheduledFuture<?> timer = dnsTimers.remove(name);
    if (timer != null) {
      timer.cancel(false);
    }
  }

  @Override
  public void close() {
    control.shutdownNow();
    resolver.shutdownNow();
    try {
      // TLS contexts are the control thread's; close them once it has stopped (updates do not block).
      if (!control.awaitTermination(5, TimeUnit.SECONDS)) {
        log.warn("cluster manager thread did not stop within 5 s; closing TLS contexts anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (UpstreamCluster cluster : clusters.values()) {
      closeTls(cluster.tls());
    }
  }
}
