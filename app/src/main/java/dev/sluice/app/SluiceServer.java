package dev.sluice.app;

import dev.sluice.common.RandomSource;
import dev.sluice.common.Ticker;
import dev.sluice.config.BootstrapConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.SecretConfig;
import dev.sluice.listener.BoundListener;
import dev.sluice.listener.ListenerBindException;
import dev.sluice.listener.ListenerManager;
import dev.sluice.listener.Transport;
import dev.sluice.snapshot.ConfigSnapshot;
import dev.sluice.stats.Gauge;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.upstream.ClusterManager;
import dev.sluice.upstream.lb.LbPolicyRegistry;
import dev.sluice.tls.CertificateSourceRegistry;
import dev.sluice.tls.SecretPublisher;
import dev.sluice.tls.StaticTlsMaterial;
import dev.sluice.tls.TlsContextFactory;
import dev.sluice.tls.UpstreamTlsContexts;
import dev.sluice.xds.FileSecretSource;
import dev.sluice.xds.bootstrap.ConfigException;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy: clusters, listeners and the admin interface wired from a bootstrap. Start-up
 * follows Envoy's order: clusters initialise (first DNS answers) before listeners bind, and the
 * server reports LIVE only once every listener is bound.
 */
public final class SluiceServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SluiceServer.class);
  /** How long start-up waits for the first DNS answers of STRICT_DNS clusters. */
  private static final Duration CLUSTER_INIT_TIMEOUT = Duration.ofSeconds(15);

  private final BootstrapConfig bootstrap;
  private final ServerOptions options;
  private final StatsRegistry stats = new StatsRegistry();
  private final Transport transport = Transport.detect();
  private final EventLoopGroup workers;
  /** One TLS provider choice, context cache and set of certificate sources for the whole process. */
  private final TlsContextFactory tlsFactory = TlsContextFactory.create();
  private final CertificateSourceRegistry certificateSources = CertificateSourceRegistry.create();
  private final SecretPublisher secrets = new SecretPublisher(certificateSources);
  private final ClusterManager clusters;
  private final ListenerManager listeners;
  private final Instant started = Instant.now();
  private final Gauge stateGauge;
  private final Gauge liveGauge;
  private final Gauge certificateExpiryGauge;
  private AdminServer admin;
  private volatile ServerState state = ServerState.PRE_INITIALIZING;
  private volatile boolean healthCheckFailed;
  private volatile boolean stopped;
  private volatile java.util.function.Supplier<String> configDumpSource;
  private final List<FileSecretSource> secretFiles = new CopyOnWriteArrayList<>();
  private final Set<String> fileSecretNames = ConcurrentHashMap.newKeySet();

  private SluiceServer(BootstrapConfig bootstrap, ServerOptions options) {
    this.bootstrap = bootstrap;
    this.options = options;
    this.workers = transport.newGroup(options.concurrency(), "sluice-worker");
    this.clusters = new ClusterManager(stats, LbPolicyRegistry.builtIn(),
        new UpstreamTlsContexts(tlsFactory, certificateSources));
    this.listeners = new ListenerManager(workers, transport, stats, clusters, RandomSource.THREAD_LOCAL, tlsFactory,
        certificateSources);
    this.stateGauge = stats.gauge("server.state");
    this.liveGauge = stats.gauge("server.live");
    this.certificateExpiryGauge = stats.gauge("server.days_until_first_cert_expiring");
    stats.gauge("server.concurrency").set(options.concurrency());
    setState(ServerState.PRE_INITIALIZING);
  }

  /** Starts a server; on failure everything already started is stopped again. */
  public static SluiceServer start(BootstrapConfig bootstrap, ServerOptions options) throws StartupException {
    SluiceServer server = new SluiceServer(bootstrap, options);
    try {
      server.startNow();
      return server;
    } catch (StartupException e) {
      server.close();
      throw e;
    }
  }

  private void startNow() throws StartupException {
    String wanted = System.getProperty("sluice.transport", "epoll");
    if (transport.name().equals(wanted)) {
      log.info("transport: {}", transport.name());
    } else {
      String reason = wanted.equals("io_uring") ? Transport.ioUringUnavailabilityReason()
          : Transport.epollUnavailabilityReason();
      log.warn("transport: {} ({} unavailable: {})", transport.name(), wanted, reason);
    }
    if (bootstrap.admin().isPresent()) {
      try {
        admin = AdminServer.start(this, bootstrap.admin().get().address());
      } catch (Exception e) {
        throw new StartupException("admin: cannot bind " + bootstrap.admin().get().address() + ": " + e.getMessage(),
            e);
      }
    }
    setState(ServerState.INITIALIZING);
    ConfigSnapshot snapshot = ConfigSnapshot.of("static", bootstrap.listeners(), bootstrap.clusters())
        .withSecrets(bootstrap.secrets());
    // Every certificate given directly must load: one error per problem, before anything binds.
    List<String> tlsProblems = StaticTlsMaterial.problems(bootstrap.listeners(), bootstrap.clusters(),
        bootstrap.secrets(), Ticker.SYSTEM);
    if (!tlsProblems.isEmpty()) {
      throw new StartupException(String.join("; ", tlsProblems));
    }
    // Secrets first: the TLS contexts of clusters and listeners built next find their material.
    secrets.publish(snapshot.secrets());
    startSecretFiles();
    try {
      clusters.update(snapshot.clusters()).get(CLUSTER_INIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("clusters not initialised after {}; starting listeners anyway", CLUSTER_INIT_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while initialising clusters", e);
    } catch (ExecutionException e) {
      throw new StartupException("clusters: " + e.getCause().getMessage(), e.getCause());
    }
    try {
      listeners.bindAll(snapshot.listeners());
    } catch (ListenerBindException e) {
      throw new StartupException(e.getMessage(), e);
    }
    awaitLocalCertificates();
    stats.gauge("listener_manager.workers_started").set(1);
    if (!options.awaitsDynamicConfig()) {
      setState(ServerState.LIVE);
    }
    log.info("sluice is live: {} listener(s), {} cluster(s), admin {}", snapshot.listeners().size(),
        snapshot.clusters().size(), admin == null ? "off" : admin.localAddress());
  }

  /**
   * Starts one watched source per SDS secret file that the static listeners and clusters name,
   * each publishing only the secrets referenced from it: a file may hold others, whose names could
   * belong to static or ADS secrets. The first read happens here, so those listeners bind with
   * their material; a file that became unusable since the bootstrap was loaded fails start-up.
   */
  private void startSecretFiles() throws StartupException {
    for (Map.Entry<String, Set<String>> file : bootstrap.secretFiles().entrySet()) {
      Set<String> names = file.getValue();
      try {
        secretFiles.add(FileSecretSource.start(Path.of(file.getKey()), all -> publishFileSecrets(all, names)));
      } catch (ConfigException e) {
        throw new StartupException("secret file: " + String.join("; ", e.errors()), e);
      }
      fileSecretNames.addAll(names);
    }
  }

  private void publishFileSecrets(Map<String, SecretConfig> all, Set<String> names) {
    Map<String, SecretConfig> referenced = new HashMap<>(all);
    referenced.keySet().retainAll(names);
    secrets.publish(referenced);
  }

  /** The names of the secrets read from SDS files; the xDS client must not fetch them over ADS. */
  Set<String> fileSecretNames() {
    return Set.copyOf(fileSecretNames);
  }

  /**
   * Applies a new configuration snapshot while traffic flows: clusters first (surviving endpoints
   * keep their pools and counters), then listeners (routes swapped in place, changed sockets
   * replaced, removed ones drained). Requests in flight finish on the configuration they started
   * with. Returns the listeners that could not be applied, each with its reason.
   */
  public synchronized List<String> apply(ConfigSnapshot snapshot) {
    secrets.publish(snapshot.secrets());
    try {
      clusters.update(snapshot.clusters()).get(CLUSTER_INIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("snapshot {}: clusters still resolving after {}; applying listeners anyway", snapshot.version(),
          CLUSTER_INIT_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of("interrupted");
    } catch (ExecutionException e) {
      log.error("snapshot {}: clusters failed: {}", snapshot.version(), e.getCause().toString());
    }
    List<String> failures = new java.util.ArrayList<>(listeners.apply(snapshot.listeners(), options.drainTime()));
    for (BoundListener warming : listeners.warmingListeners()) {
      warming.tlsError().ifPresent(error -> failures.add("listener '" + warming.name() + "' waits: " + error));
    }
    if (failures.isEmpty()) {
      log.debug("applied snapshot {}: {} listener(s), {} cluster(s)", snapshot.version(), snapshot.listeners().size(),
          snapshot.clusters().size());
    } else {
      log.warn("applied snapshot {}: {} listener(s), {} cluster(s), failures: {}", snapshot.version(),
          snapshot.listeners().size(), snapshot.clusters().size(), failures);
    }
    return failures;
  }

  /**
   * Start-up waits (bounded) for listeners whose certificates come from files or inline PEM: that
   * material was checked before (StaticTlsMaterial), so they bind as soon as it is loaded.
   * Listeners waiting for SDS secrets keep warming; the management server delivers those later.
   */
  private void awaitLocalCertificates() throws StartupException {
    List<BoundListener> pending = listeners.warmingListeners().stream()
        .filter(l -> !TlsReferences.usesSds(l.config()))
        .toList();
    try {
      CompletableFuture.allOf(pending.stream().map(BoundListener::whenActive).toArray(CompletableFuture<?>[]::new))
          .get(CLUSTER_INIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("listeners still loading their certificates after {}: {}", CLUSTER_INIT_TIMEOUT,
          pending.stream().map(l -> l.name() + " " + l.waitingFor()).toList());
    } catch (ExecutionException | CancellationException e) {
      throw new StartupException("a listener could not start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted while loading certificates", e);
    }
  }

  private void setState(ServerState s) {
    state = s;
    ServerState shown = effectiveState();
    stateGauge.set(shown.gaugeValue);
    liveGauge.set(shown == ServerState.LIVE ? 1 : 0);
  }

  /**
   * Ends initialisation: the dynamic configuration arrived (or its initial fetch timed out), so the
   * server reports LIVE, as Envoy does once its init manager completes.
   */
  void markInitialized() {
    if (state == ServerState.INITIALIZING) {
      setState(ServerState.LIVE);
      log.info("initial dynamic configuration applied; sluice is live");
    }
  }

  /** Replaces what /config_dump shows (the xDS client's view once dynamic resources are in use). */
  void setConfigDumpSource(java.util.function.Supplier<String> source) {
    configDumpSource = source;
  }

  /** The whole /config_dump document. */
  String configDump() {
    java.util.function.Supplier<String> source = configDumpSource;
    return source != null ? source.get() : "{\"configs\":[" + bootstrapConfigDumpEntry() + "]}";
  }

  /** Envoy's BootstrapConfigDump entry for the bootstrap this server started from. */
  String bootstrapConfigDumpEntry() {
    String json = options.configDumpJson();
    return "{\"@type\":\"type.googleapis.com/envoy.admin.v3.BootstrapConfigDump\",\"bootstrap\":"
        + (json == null || json.isBlank() ? "{}" : json)
        + ",\"last_updated\":\"" + started + "\"}";
  }

  /** The state as the admin interface reports it: a failed health check shows as DRAINING, as in Envoy. */
  ServerState effectiveState() {
    ServerState s = state;
    return s == ServerState.LIVE && healthCheckFailed ? ServerState.DRAINING : s;
  }

  void failHealthCheck(boolean fail) {
    healthCheckFailed = fail;
    setState(state);
  }

  public StatsRegistry stats() {
    return stats;
  }

  /**
   * Brings the gauges computed on demand up to date before the admin interface shows stats:
   * Envoy's {@code server.days_until_first_cert_expiring}, from the certificates presented now.
   */
  void refreshComputedStats() {
    certificateExpiryGauge.set(CertificateReport.daysUntilFirstExpiring(tlsFactory.openContexts(), Instant.now()));
  }

  /** The TLS contexts of listeners and clusters that are open. */
  List<dev.sluice.tls.RotatingTlsContext> tlsContexts() {
    return tlsFactory.openContexts();
  }

  ClusterManager clusters() {
    return clusters;
  }

  BootstrapConfig bootstrap() {
    return bootstrap;
  }

  ServerOptions options() {
    return options;
  }

  Instant startedAt() {
    return started;
  }

  public List<BoundListener> listeners() {
    return listeners.listeners();
  }

  /** The bound address of the named listener. */
  public InetSocketAddress listenerAddress(String name) {
    BoundListener l = listeners.listener(name);
    if (l == null) {
      throw new IllegalArgumentException("no listener " + name);
    }
    return l.localAddress();
  }

  public InetSocketAddress adminAddress() {
    return admin == null ? null : admin.localAddress();
  }

  /**
   * Drains listeners: with {@code graceful}, connections are asked to close after their current
   * request and the listening sockets close once the drain time has passed; without it the
   * sockets close at once. {@code inboundOnly} limits this to listeners marked INBOUND.
   */
  void drainListeners(boolean graceful, boolean inboundOnly) {
    setState(ServerState.DRAINING);
    for (BoundListener l : listeners.listeners()) {
      if (inboundOnly && l.config().direction() != ListenerConfig.TrafficDirection.INBOUND) {
        continue;
      }
      l.drainConnections();
      if (!graceful) {
        l.stopAccepting();
      } else {
        workers.schedule(() -> {
          if (l.isAccepting()) {
            l.stopAccepting();
          }
        }, options.drainTime().toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * Stops accepting, waits up to the drain time for requests in flight, then stops everything.
   * Returns true when every connection finished by itself.
   */
  public boolean drainAndStop() {
    setState(ServerState.DRAINING);
    boolean clean = listeners.drain(options.drainTime());
    close();
    return clean;
  }

  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    listeners.stopAccepting();
    for (BoundListener l : listeners.listeners()) {
      l.closeConnections();
    }
    if (admin != null) {
      admin.close();
    }
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    listeners.close();
    clusters.close();
    secretFiles.forEach(FileSecretSource::close);
    certificateSources.close();
  }
}
