package dev.sluice.xds;

import dev.sluice.config.ClusterConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.SecretConfig;
import dev.sluice.snapshot.ConfigSnapshot;
import dev.sluice.xds.resource.EndpointAssignment;
import dev.sluice.xds.resource.HttpConnectionManagerDecoder;
import dev.sluice.xds.resource.RdsReference;
import dev.sluice.xds.resource.SecretReference;
import dev.sluice.xds.resource.XdsServerConfig;
import dev.sluice.xds.transport.AdsResource;
import dev.sluice.xds.transport.AdsResponse;
import dev.sluice.xds.transport.AdsStream;
import dev.sluice.xds.transport.AdsStreamListener;
import dev.sluice.xds.transport.AdsTransport;
import dev.sluice.xds.transport.Subscription;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's state machine: one ADS stream at a time, the state of each resource type, warming,
 * publication, the config cache and the stats. Every method runs on the client's single executor
 * thread and asserts it (grpc-java's XdsClientImpl does the same with its SynchronizationContext);
 * the gRPC channel delivers responses on that executor too, so nothing here needs a lock.
 */
final class AdsSession implements AdsStreamListener {
  private static final Logger LOG = LoggerFactory.getLogger(AdsSession.class);
  /** Without an initial fetch timeout, the config cache is used after Envoy's default one. */
  private static final Duration DEFAULT_CACHE_FALLBACK = Duration.ofSeconds(15);
  private static final long FIRST_REPEATED_NACK_DELAY_MILLIS = 100;
  private static final long MAX_REPEATED_NACK_DELAY_MILLIS = 2_000;

  private final XdsClientOptions options;
  private final XdsServerConfig server;
  private final ScheduledExecutorService executor;
  private final Supplier<Thread> owner;
  private final AdsTransport transport;
  private final Node node;
  private final SnapshotWatcher watcher;
  private final XdsStats stats;
  private final ExponentialBackoff backoff;
  private final SnapshotAssembler assembler;
  private final Optional<ConfigCacheStore> cacheStore;
  private final boolean incremental;
  private final Map<ResourceKind, TypeState<?>> states = new EnumMap<>(ResourceKind.class);
  private final Map<String, ScheduledFuture<?>> resourceTimers = new HashMap<>();
  /** Types whose subscription update went out while the current response was handled. */
  private final Set<ResourceKind> resubscribedThisResponse = EnumSet.noneOf(ResourceKind.class);
  private final CompletableFuture<ConfigSnapshot> initial = new CompletableFuture<>();

  private AdsStream stream;
  private boolean streamAnswered;
  private boolean reportedUnreachable;
  private boolean closed;
  private boolean initialized;
  private Optional<CachedConfig> cached = Optional.empty();
  private boolean cacheApplied;
  private boolean servingFromCache;
  private final Set<ResourceKind> refreshedSinceCache = EnumSet.noneOf(ResourceKind.class);
  private String cacheFile = "";
  private ConfigSnapshot published;
  private long publishCount;

  // Read by other threads through XdsClient.
  private volatile ConfigSnapshot current;
  private volatile Map<String, SecretConfig> secrets = Map.of();
  private volatile boolean connected;

  AdsSession(XdsClientOptions options, ScheduledExecutorService executor, Supplier<Thread> owner,
      AdsTransport transport, SnapshotWatcher watcher) {
    this.options = options;
    this.server = options.server();
    this.executor = executor;
    this.owner = owner;
    this.transport = transport;
    this.node = NodeProtos.toProto(options.node());
    this.watcher = watcher;
    this.stats = new XdsStats(options.stats());
    this.backoff = new ExponentialBackoff(server.retryBaseInterval(), server.retryMaxInterval(), options.random());
    // Secrets read from files are as local as static ones: the static resources' references to
    // them are not SDS subscriptions.
    Set<String> localSecrets = new HashSet<>(options.staticSecrets().keySet());
    localSecrets.addAll(options.fileSecretNames());
    this.assembler = new SnapshotAssembler(options.staticListeners(), options.staticClusters(), localSecrets);
    this.cacheStore = options.configCacheDir().map(dir -> new ConfigCacheStore(dir, options.configCacheFilesKept()));
    this.incremental = server.apiType() == XdsServerConfig.ApiType.DELTA_GRPC;
    for (XdsResourceType<?> type : List.of(new ClusterResourceType(), new EndpointResourceType(),
        new ListenerResourceType(), new RouteConfigResourceType(), new SecretResourceType())) {
      states.put(type.kind(), new TypeState<>(type));
    }
  }

  // ------------------------------------------------------------------ read from any thread

  CompletableFuture<ConfigSnapshot> initialSnapshot() {
    return initial;
  }

  Optional<ConfigSnapshot> current() {
    return Optional.ofNullable(current);
  }

  Map<String, SecretConfig> secrets() {
    return secrets;
  }

  boolean isConnected() {
    return connected;
  }

  // ------------------------------------------------------------------ lifecycle

  void start() {
    assertOwned();
    cached = cacheStore.flatMap(ConfigCacheStore::loadLatest);
    cached.ifPresent(c -> LOG.info("config cache: found {} (snapshot {})", c.file(), c.snapshotVersion()));
    subscribeWildcard(ResourceKind.LISTENER, server.ldsInitialFetchTimeout());
    subscribeWildcard(ResourceKind.CLUSTER, server.cdsInitialFetchTimeout());
    if (cached.isPresent()) {
      Duration fallback = options.configCacheFallbackAfter().orElseGet(this::defaultCacheFallback);
      schedule(this::onCacheDeadline, fallback);
    }
    LOG.info("xDS: connecting to {} ({})", server.description(), server.apiType());
    openStream();
    stateChanged();
  }

  private void subscribeWildcard(ResourceKind kind, Optional<Duration> initialFetchTimeout) {
    TypeState<?> st = states.get(kind);
    if (initialFetchTimeout.isEmpty()) {
      st.fetched = true; // not fetched from the server at all: nothing to wait for
      return;
    }
    st.subscription = Subscription.WILDCARD;
    Duration timeout = initialFetchTimeout.get();
    if (!timeout.isZero()) {
      schedule(() -> onInitialFetchTimeout(kind, timeout), timeout);
    }
  }

  private Duration defaultCacheFallback() {
    Duration d = DEFAULT_CACHE_FALLBACK;
    for (Optional<Duration> t : List.of(server.ldsInitialFetchTimeout(), server.cdsInitialFetchTimeout())) {
      if (t.isPresent() && !t.get().isZero() && t.get().compareTo(d) < 0) {
        d = t.get();
      }
    }
    return d;
  }

  void close() {
    assertOwned();
    if (closed) {
      return;
    }
    closed = true;
    if (stream != null) {
      stream.close();
      stream = null;
    }
    resourceTimers.values().forEach(f -> f.cancel(false));
    resourceTimers.clear();
    setConnected(false);
    initial.completeExceptionally(new IllegalStateException("the xDS client was closed before its first snapshot"));
  }

  private void openStream() {
    assertOwned();
    if (closed) {
      return;
    }
    stream = transport.open(node, this);
    streamAnswered = false;
    for (TypeState<?> st : states.values()) {
      st.latestNonce = "";
      st.startedOnStream = false;
      startIfWanted(st);
    }
  }

  private void startIfWanted(TypeState<?> st) {
    if (stream == null || st.subscription.isEmpty()) {
      return;
    }
    st.startedOnStream = true;
    stream.start(st.kind().typeUrl, st.subscription, st.acceptedVersion,
        incremental ? st.heldVersions() : Map.of());
  }

  // ------------------------------------------------------------------ the stream

  @Override
  public void onResponse(AdsResponse response) {
    assertOwned();
    if (closed || stream == null) {
      return;
    }
    if (!streamAnswered) {
      streamAnswered = true;
      reportedUnreachable = false;
      backoff.reset();
      setConnected(true);
      LOG.info("xDS: connected to {}", server.description());
    }
    Optional<ResourceKind> kind = ResourceKind.ofTypeUrl(response.typeUrl());
    if (kind.isEmpty() || !states.get(kind.get()).startedOnStream) {
      LOG.warn("xDS: ignoring a response of type '{}', which was not requested", response.typeUrl());
      return;
    }
    TypeState<?> st = states.get(kind.get());
    st.latestNonce = response.nonce();
    // The stream boundary: nothing a management server sends may take the process down.
    try {
      handle(st, response);
    } catch (Exception | StackOverflowError e) {
      LOG.error("xDS: failed to process a {} response (version {})", kind.get().label, response.versionInfo(), e);
      String message = "internal error processing the response: " + e;
      st.lastNack = Optional.of(new UpdateFailure(response.versionInfo(), message, Optional.empty(), now()));
      if (stream != null) {
        stream.reply(st.kind().typeUrl, st.acceptedVersion, response.nonce(), st.subscription, Optional.of(message));
      }
    }
  }

  @Override
  public void onClosed(Status status) {
    assertOwned();
    if (closed) {
      return;
    }
    stream = null;
    setConnected(false);
    if (states.get(ResourceKind.LISTENER).subscription.wildcard()) {
      stats.failure(XdsStats.LDS);
    }
    if (states.get(ResourceKind.CLUSTER).subscription.wildcard()) {
      stats.failure(XdsStats.CDS);
    }
    if (streamAnswered) {
      LOG.warn("xDS: stream to {} closed ({}); reconnecting, the current configuration keeps serving",
          server.description(), describe(status));
      backoff.reset();
    } else if (!reportedUnreachable) {
      reportedUnreachable = true;
      LOG.warn("xDS: cannot reach {} ({}); retrying with backoff", server.description(), describe(status));
    } else {
      LOG.debug("xDS: still cannot reach {} ({})", server.description(), describe(status));
    }
    schedule(this::openStream, Duration.ofMillis(backoff.nextDelayMillis()));
  }

  private static String describe(Status status) {
    return status.getDescription() == null ? status.getCode().toString()
        : status.getCode() + ": " + status.getDescription();
  }

  private <T> void handle(TypeState<T> st, AdsResponse r) {
    ResourceKind kind = st.kind();
    long now = now();
    int fingerprint = Objects.hash(r.typeUrl(), r.versionInfo(), r.resources(), r.removed());
    if (st.lastRejectedFingerprint == fingerprint && st.lastNack.isPresent()) {
      repeatRejection(st, r);
      return;
    }
    boolean firstFetch = !st.fetched;
    UpdateOutcome outcome = ResponseProcessor.apply(st, r, incremental, environment(), now);
    countUpdate(kind, r, outcome, now);
    if (outcome.isAck()) {
      st.acceptedVersion = r.versionInfo();
      st.lastRejectedFingerprint = 0;
      st.repeatedRejections = 0;
      stream.reply(kind.typeUrl, r.versionInfo(), r.nonce(), st.subscription, Optional.empty());
    } else {
      String message = ResponseProcessor.nackMessage(outcome.errors());
      st.lastNack = Optional.of(new UpdateFailure(r.versionInfo(), message, Optional.empty(), now));
      st.lastRejectedFingerprint = fingerprint;
      st.repeatedRejections = 0;
      LOG.warn("xDS: rejected {} version '{}' ({} valid resource(s) applied):\n{}", kind.label, r.versionInfo(),
          outcome.accepted().size(), message);
      // A NACK repeats the last accepted version (xds_protocol, "ACK/NACK and resource type instance version").
      stream.reply(kind.typeUrl, st.acceptedVersion, r.nonce(), st.subscription, Optional.of(message));
    }
    if (servingFromCache && kind.wildcard) {
      refreshedSinceCache.add(kind);
      if (refreshedSinceCache.containsAll(wildcardKinds())) {
        servingFromCache = false;
        stats.servingFromCache(false);
        LOG.info("xDS: {} delivered the configuration; no longer serving from the config cache",
            server.description());
      }
    }
    resubscribedThisResponse.clear();
    if (outcome.changed() || firstFetch) {
      stateChanged();
    }
    if (!incremental && (kind == ResourceKind.CLUSTER || kind == ResourceKind.LISTENER)) {
      askAgainForChildren(kind == ResourceKind.CLUSTER ? ResourceKind.ENDPOINTS : ResourceKind.ROUTE_CONFIG);
    }
  }

  /**
   * After each CDS (LDS) response, state of the world asks for the EDS (RDS) resources again, as
   * Envoy does when it re-creates clusters (envoy#13009): a cluster or listener that is warming
   * must see a fresh response. Servers rely on it — istiod answers the next EDS request after a
   * CDS push unconditionally, and java-control-plane's SimpleCache drops a watch it could not
   * answer when its snapshot changes, answering again only on the next request.
   */
  private void askAgainForChildren(ResourceKind child) {
    TypeState<?> st = states.get(child);
    if (stream != null && st.startedOnStream && !st.subscription.isEmpty()
        && !resubscribedThisResponse.contains(child)) {
      stream.updateSubscription(child.typeUrl, st.subscription, st.acceptedVersion, st.latestNonce);
    }
  }

  /**
   * Some servers answer a NACK by sending the rejected version again at once (java-control-plane's
   * SimpleCache does, in state of the world), which would spin both sides. The NACK still goes out
   * — every response is answered — but after a delay that doubles while the same response repeats.
   */
  private <T> void repeatRejection(TypeState<T> st, AdsResponse r) {
    int n = ++st.repeatedRejections;
    long delay = Math.min(MAX_REPEATED_NACK_DELAY_MILLIS, FIRST_REPEATED_NACK_DELAY_MILLIS << Math.min(n - 1, 20));
    String message = st.lastNack.orElseThrow().details();
    scopesOf(st.kind(), r).forEach(scope -> {
      stats.attempt(scope);
      stats.rejected(scope);
    });
    AdsStream s = stream;
    String nonce = r.nonce();
    schedule(() -> {
      if (s == stream && nonce.equals(st.latestNonce)) {
        s.reply(st.kind().typeUrl, st.acceptedVersion, nonce, st.subscription, Optional.of(message));
      }
    }, Duration.ofMillis(delay));
  }

  private DecodeEnvironment environment() {
    Set<String> staticClusters = new HashSet<>();
    options.staticClusters().forEach(c -> staticClusters.add(c.name()));
    Set<String> known = new HashSet<>(staticClusters);
    known.addAll(states.get(ResourceKind.CLUSTER).held.keySet());
    return new DecodeEnvironment(options.staticListeners(), staticClusters, known, options.staticSecrets());
  }

  // ------------------------------------------------------------------ stats

  private void countUpdate(ResourceKind kind, AdsResponse r, UpdateOutcome outcome, long now) {
    if (kind.wildcard) {
      String scope = kind == ResourceKind.LISTENER ? XdsStats.LDS : XdsStats.CDS;
      stats.attempt(scope);
      if (outcome.isAck()) {
        stats.success(scope, now);
      } else {
        stats.rejected(scope);
      }
      return;
    }
    for (String name : outcome.accepted()) {
      for (String scope : scopes(kind, name)) {
        stats.attempt(scope);
        stats.success(scope, now);
      }
    }
    for (String name : outcome.rejected()) {
      for (String scope : scopes(kind, name)) {
        stats.attempt(scope);
        stats.rejected(scope);
      }
    }
    if (kind == ResourceKind.ENDPOINTS) {
      @SuppressWarnings("unchecked")
      TypeState<EndpointAssignment> eds = (TypeState<EndpointAssignment>) states.get(kind);
      for (String name : outcome.accepted()) {
        int ignored = eds.value(name).map(EndpointAssignment::otherPriorityEndpoints).orElse(0);
        clustersUsing(name).forEach(cluster -> stats.ignoredPriorityEndpoints(cluster, ignored));
      }
    }
  }

  private List<String> scopesOf(ResourceKind kind, AdsResponse r) {
    if (kind.wildcard) {
      return List.of(kind == ResourceKind.LISTENER ? XdsStats.LDS : XdsStats.CDS);
    }
    List<String> out = new ArrayList<>();
    for (AdsResource res : r.resources()) {
      if (!res.name().isEmpty()) {
        out.addAll(scopes(kind, res.name()));
      }
    }
    return out;
  }

  /** Envoy keeps RDS stats per connection manager, EDS stats per cluster, SDS stats per secret. */
  private List<String> scopes(ResourceKind kind, String name) {
    return switch (kind) {
      case ROUTE_CONFIG -> assembler.rdsReference(listeners().held, name)
          .map(r -> List.of(XdsStats.rdsScope(r.statPrefix(), name)))
          .orElse(List.of());
      case ENDPOINTS -> clustersUsing(name).stream().map(XdsStats::clusterScope).toList();
      case SECRET -> List.of(XdsStats.sdsScope(name));
      case LISTENER -> List.of(XdsStats.LDS);
      case CLUSTER -> List.of(XdsStats.CDS);
    };
  }

  private List<String> clustersUsing(String edsName) {
    List<String> out = new ArrayList<>();
    for (HeldResource<CdsCluster> h : clusters().held.values()) {
      h.value().eds().filter(e -> e.resourceName().equals(edsName)).ifPresent(e -> out.add(h.name()));
    }
    return out;
  }

  // ------------------------------------------------------------------ timers

  private void onInitialFetchTimeout(ResourceKind kind, Duration timeout) {
    TypeState<?> st = states.get(kind);
    if (closed || st.fetched) {
      return;
    }
    if (!initialized) {
      applyCache();
    }
    stats.initFetchTimeout(kind == ResourceKind.LISTENER ? XdsStats.LDS : XdsStats.CDS);
    if (!st.fetched) {
      st.fetched = true;
      LOG.warn("xDS: no {} response from {} within {}; starting without it", kind.label, server.description(),
          timeout);
    }
    stateChanged();
  }

  private void onCacheDeadline() {
    if (closed || initialized) {
      return;
    }
    applyCache();
    stateChanged();
  }

  private void onResourceTimeout(ResourceKind kind, String name, Duration timeout) {
    resourceTimers.remove(timerKey(kind, name));
    TypeState<?> st = states.get(kind);
    if (closed || !st.subscription.names().contains(name) || st.held.containsKey(name) || st.missing.contains(name)) {
      return;
    }
    // xds_protocol, "Knowing When a Requested Resource Does Not Exist": after the timeout the
    // resource is taken as absent, and what waits for it stops warming.
    st.missing.add(name);
    scopes(kind, name).forEach(stats::initFetchTimeout);
    LOG.warn("xDS: no {} '{}' within {}; continuing without it", kind.label, name, timeout);
    stateChanged();
  }

  private static String timerKey(ResourceKind kind, String name) {
    return kind.shortName + "/" + name;
  }

  private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    return executor.schedule(guarded(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
  }

  /** A scheduled executor keeps a task's exception in its future, where nobody looks: log it. */
  static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | StackOverflowError e) {
        LOG.error("xDS: internal error", e);
      }
    };
  }

  // ------------------------------------------------------------------ resolution and publication

  /** Re-resolves everything after a change, follows the new references, and publishes. */
  private void stateChanged() {
    assertOwned();
    Assembly assembly = assemble();
    if (refreshSubscriptions(assembly)) {
      assembly = assemble();
    }
    secrets = Map.copyOf(sds().values());
    maybePublish(assembly);
  }

  @SuppressWarnings("unchecked")
  private TypeState<SecretConfig> sds() {
    return (TypeState<SecretConfig>) states.get(ResourceKind.SECRET);
  }

  @SuppressWarnings("unchecked")
  private TypeState<LdsListener> listeners() {
    return (TypeState<LdsListener>) states.get(ResourceKind.LISTENER);
  }

  @SuppressWarnings("unchecked")
  private TypeState<CdsCluster> clusters() {
    return (TypeState<CdsCluster>) states.get(ResourceKind.CLUSTER);
  }

  @SuppressWarnings("unchecked")
  private Assembly assemble() {
    TypeState<RouteConfig> rds = (TypeState<RouteConfig>) states.get(ResourceKind.ROUTE_CONFIG);
    TypeState<EndpointAssignment> eds = (TypeState<EndpointAssignment>) states.get(ResourceKind.ENDPOINTS);
    // A named resource known to be absent resolves to empty: routes with no virtual hosts (every
    // request gets a 404), a cluster with no endpoints. That is what Envoy serves after a timeout.
    // A secret known to be absent settles too: the listener or cluster is served, and the data
    // plane reports the secret it still lacks.
    TypeState<SecretConfig> sds = sds();
    return assembler.assemble(listeners().held,
        name -> rds.missing.contains(name) ? Optional.of(HttpConnectionManagerDecoder.rdsPlaceholder(name))
            : rds.value(name),
        clusters().held,
        name -> eds.missing.contains(name) ? Optional.of(EndpointAssignment.EMPTY) : eds.value(name),
        name -> sds.held.containsKey(name) || sds.missing.contains(name));
  }

  /**
   * RDS, EDS and SDS subscriptions follow what the listeners and clusters reference (SDS also what
   * the options name); a name nothing references any more is unsubscribed and its resource
   * dropped (xds_protocol, "Deleting Resources": a child goes away when no parent refers to it).
   * Returns true when anything changed.
   */
  private boolean refreshSubscriptions(Assembly assembly) {
    boolean rds = follow(ResourceKind.ROUTE_CONFIG, assembly.routeConfigNames());
    boolean eds = follow(ResourceKind.ENDPOINTS, assembly.endpointNames());
    Set<String> secretNames = new TreeSet<>(assembly.secretNames());
    secretNames.addAll(options.secretNames());
    boolean sds = follow(ResourceKind.SECRET, secretNames);
    return rds || eds || sds;
  }

  private boolean follow(ResourceKind kind, Set<String> names) {
    TypeState<?> st = states.get(kind);
    if (st.subscription.names().equals(names)) {
      return false;
    }
    Set<String> removed = new TreeSet<>(st.subscription.names());
    removed.removeAll(names);
    Set<String> added = new TreeSet<>(names);
    added.removeAll(st.subscription.names());
    st.subscription = Subscription.named(names);
    for (String name : removed) {
      st.held.remove(name);
      st.missing.remove(name);
      st.failures.remove(name);
      ScheduledFuture<?> timer = resourceTimers.remove(timerKey(kind, name));
      if (timer != null) {
        timer.cancel(false);
      }
    }
    for (String name : added) {
      Duration timeout = initialFetchTimeout(kind, name);
      if (!timeout.isZero() && !st.held.containsKey(name)) {
        resourceTimers.put(timerKey(kind, name), schedule(() -> onResourceTimeout(kind, name, timeout), timeout));
      }
    }
    if (stream != null) {
      if (st.startedOnStream) {
        stream.updateSubscription(kind.typeUrl, st.subscription, st.acceptedVersion, st.latestNonce);
      } else {
        startIfWanted(st);
      }
      resubscribedThisResponse.add(kind);
    }
    return !removed.isEmpty();
  }

  private Duration initialFetchTimeout(ResourceKind kind, String name) {
    if (kind == ResourceKind.ROUTE_CONFIG) {
      return assembler.rdsReference(listeners().held, name).map(RdsReference::initialFetchTimeout)
          .orElse(Duration.ZERO);
    }
    if (kind == ResourceKind.SECRET) {
      // Static resources and the options' extra names wait for nothing, so they set no timer.
      for (SecretReference ref : assembler.secretReferences(listeners().held, clusters().held)) {
        if (ref.name().equals(name)) {
          return ref.initialFetchTimeout();
        }
      }
      return Duration.ZERO;
    }
    for (HeldResource<CdsCluster> h : clusters().held.values()) {
      if (h.value().eds().isPresent() && h.value().eds().get().resourceName().equals(name)) {
        return h.value().eds().get().initialFetchTimeout();
      }
    }
    return Duration.ZERO;
  }

  /**
   * Publishes the assembly when it differs from what was last published. The first snapshot waits
   * until LDS and CDS have answered (or timed out) and nothing is warming, as Envoy's start-up
   * waits for its init targets.
   */
  private void maybePublish(Assembly assembly) {
    if (!initialized) {
      if (!states.get(ResourceKind.LISTENER).fetched || !states.get(ResourceKind.CLUSTER).fetched
          || assembly.warming()) {
        return;
      }
      initialized = true;
    }
    // Secrets are compared too: a rotated certificate alone makes a new snapshot, whose listeners
    // and clusters are equal to the last ones, so applying it rebuilds only the TLS contexts.
    Map<String, SecretConfig> allSecrets = new LinkedHashMap<>(options.staticSecrets());
    allSecrets.putAll(secrets);
    if (published != null && published.listeners().equals(assembly.listeners())
        && published.clusters().equals(clusterMap(assembly.clusters())) && published.secrets().equals(allSecrets)) {
      return;
    }
    ConfigSnapshot next;
    try {
      next = ConfigSnapshot.of(snapshotVersion(), assembly.listeners(), assembly.clusters()).withSecrets(allSecrets);
    } catch (IllegalArgumentException e) {
      LOG.error("xDS: cannot build a snapshot: {}", e.getMessage());
      return;
    }
    published = next;
    current = next;
    LOG.info("xDS: publishing snapshot {}: {} listener(s), {} cluster(s), {} secret(s){}", next.version(),
        next.listeners().size(), next.clusters().size(), next.secrets().size(),
        servingFromCache ? " from the config cache" : "");
    try {
      watcher.onSnapshot(next);
    } catch (RuntimeException e) {
      LOG.error("xDS: the snapshot watcher failed on snapshot {}", next.version(), e);
    }
    persist(next);
    initial.complete(next);
  }

  private static Map<String, ClusterConfig> clusterMap(List<ClusterConfig> clusters) {
    Map<String, ClusterConfig> out = new HashMap<>();
    clusters.forEach(c -> out.put(c.name(), c));
    return out;
  }

  private String snapshotVersion() {
    StringBuilder b = new StringBuilder().append(++publishCount).append(" (");
    String sep = "";
    for (ResourceKind kind : ResourceKind.values()) {
      TypeState<?> st = states.get(kind);
      if (!st.subscription.isEmpty()) {
        b.append(sep).append(kind.shortName).append(' ')
            .append(st.acceptedVersion.isEmpty() ? "-" : st.acceptedVersion);
        sep = ", ";
      }
    }
    if (servingFromCache) {
      b.append(sep).append("from config cache");
    }
    return b.append(')').toString();
  }

  // ------------------------------------------------------------------ config cache

  /**
   * Keeps what the server last delivered, so that a restart while the server is away can serve
   * it. Secrets are left out: private keys do not belong in a cache directory.
   */
  private void persist(ConfigSnapshot snapshot) {
    if (cacheStore.isEmpty() || servingFromCache) {
      return;
    }
    Map<ResourceKind, CachedConfig.CachedType> types = new EnumMap<>(ResourceKind.class);
    for (ResourceKind kind : List.of(ResourceKind.CLUSTER, ResourceKind.ENDPOINTS, ResourceKind.LISTENER,
        ResourceKind.ROUTE_CONFIG)) {
      TypeState<?> st = states.get(kind);
      List<CachedConfig.CachedResource> resources = new ArrayList<>();
      st.held.values().forEach(h -> resources.add(new CachedConfig.CachedResource(h.name(), h.version(), h.raw())));
      types.put(kind, new CachedConfig.CachedType(st.acceptedVersion, resources));
    }
    try {
      Path file = cacheStore.get().save(snapshot.version(), types);
      cacheFile = file.toString();
      stats.cacheWrite(true);
    } catch (IOException | RuntimeException e) {
      stats.cacheWrite(false);
      LOG.warn("config cache: cannot write to {}: {}", cacheStore.get().dir(), e.toString());
    }
  }

  /**
   * Loads the cached configuration for the types the server has not delivered, as if it had just
   * arrived: clusters and listeners first, so that the routes and endpoints they name are
   * subscribed when those are loaded.
   */
  private void applyCache() {
    if (cacheApplied || cached.isEmpty()) {
      return;
    }
    cacheApplied = true;
    CachedConfig c = cached.get();
    List<ResourceKind> roots = new ArrayList<>();
    for (ResourceKind kind : List.of(ResourceKind.CLUSTER, ResourceKind.LISTENER)) {
      if (states.get(kind).subscription.wildcard() && !states.get(kind).fetched) {
        roots.add(kind);
        applyCached(kind, c);
      }
    }
    if (roots.isEmpty()) {
      return;
    }
    refreshSubscriptions(assemble());
    applyCached(ResourceKind.ENDPOINTS, c);
    applyCached(ResourceKind.ROUTE_CONFIG, c);
    servingFromCache = true;
    // Types the server delivered before the cache was needed are already the server's.
    for (ResourceKind kind : wildcardKinds()) {
      if (!roots.contains(kind)) {
        refreshedSinceCache.add(kind);
      }
    }
    cacheFile = c.file().toString();
    stats.servingFromCache(true);
    LOG.warn("xDS: {} did not deliver a configuration in time; serving the cached snapshot {} from {} until it does",
        server.description(), c.snapshotVersion(), c.file());
  }

  private void applyCached(ResourceKind kind, CachedConfig c) {
    CachedConfig.CachedType type = c.types().get(kind);
    if (type == null) {
      return;
    }
    TypeState<?> st = states.get(kind);
    List<AdsResource> resources = new ArrayList<>();
    for (CachedConfig.CachedResource r : type.resources()) {
      if (kind.wildcard || (st.subscription.names().contains(r.name()) && !st.held.containsKey(r.name()))) {
        resources.add(new AdsResource(r.name(), r.version(), Optional.of(r.resource())));
      }
    }
    // Applied with incremental semantics: nothing already held is removed by absence.
    UpdateOutcome outcome = ResponseProcessor.apply(st, new AdsResponse(kind.typeUrl, type.version(), "", resources,
        List.of()), true, environment(), now());
    if (!outcome.isAck()) {
      LOG.warn("config cache: {} resource(s) of {} no longer decode and were skipped:\n{}",
          outcome.rejected().size(), c.file(), ResponseProcessor.nackMessage(outcome.errors()));
    }
  }

  // ------------------------------------------------------------------ /config_dump

  String configDump() {
    assertOwned();
    return ConfigDumpBuilder.build(states, assembler, new ClientStatus(server.description(),
        server.apiType().name(), connected, initialized, servingFromCache, cacheFile,
        published == null ? "" : published.version()));
  }

  boolean servingFromCache() {
    assertOwned();
    return servingFromCache;
  }

  // ------------------------------------------------------------------ helpers

  private void setConnected(boolean value) {
    connected = value;
    stats.connected(value);
  }

  private Set<ResourceKind> wildcardKinds() {
    Set<ResourceKind> out = EnumSet.noneOf(ResourceKind.class);
    for (TypeState<?> st : states.values()) {
      if (st.subscription.wildcard()) {
        out.add(st.kind());
      }
    }
    return out;
  }

  private long now() {
    return options.ticker().currentTimeMillis();
  }

  private void assertOwned() {
    if (Thread.currentThread() != owner.get()) {
      throw new IllegalStateException("xDS client state touched outside its executor, from "
          + Thread.currentThread().getName());
    }
  }
}
