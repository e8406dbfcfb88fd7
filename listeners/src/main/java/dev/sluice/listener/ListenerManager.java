package dev.sluice.listener;

import dev.sluice.common.RandomSource;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.TcpProxyConfig;
import dev.sluice.listener.filter.TlsInspectorStats;
import dev.sluice.stats.Gauge;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.tls.CertificateSourceRegistry;
import dev.sluice.tls.TlsContextFactory;
import dev.sluice.upstream.ClusterManager;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the listeners of a configuration, keeps them in step with new configurations, and drains
 * them.
 *
 * <p>Warming, as Envoy's listener manager does it: a listener with a TLS chain whose certificate
 * has not arrived (an SDS secret not yet delivered, an unreadable file) is built but not bound,
 * and a listener it replaces keeps serving meanwhile. Once every context is ready it binds and
 * takes over. A listener still warming after the warming timeout is reported with what it waits
 * for, and keeps waiting.
 *
 * <p>Threads: {@link #apply} and {@link #bindAll} come from one configuration thread; readiness is
 * reported on whichever thread delivered the certificate and is handed to this manager's own
 * warming thread, so that no certificate source ever waits on this manager's lock. Mutations hold
 * that lock; event loops never take it.
 */
public final class ListenerManager {
  private static final Logger log = LoggerFactory.getLogger(ListenerManager.class);

  /**
   * Durations Envoy sets per listener or per server; tests shorten them.
   *
   * @param listenerFilters Envoy's {@code listener_filters_timeout}: how long the TLS inspector waits
   *     for a ClientHello or plaintext before closing the connection (15 s)
   * @param warming how long a listener warms before a warning names what it waits for (15 s)
   */
  public record Timeouts(Duration listenerFilters, Duration warming) {
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(15), Duration.ofSeconds(15));

    public Timeouts {
      Objects.requireNonNull(listenerFilters, "listenerFilters");
      Objects.requireNonNull(warming, "warming");
    }
  }

  /** A listener waiting for its certificates. */
  private static final class Warming {
    final BoundListener listener;
    final Duration drainTime;
    ScheduledFuture<?> warning;
    volatile boolean cancelled;

    Warming(BoundListener listener, Duration drainTime) {
      this.listener = listener;
      this.drainTime = drainTime;
    }
  }

  private final EventLoopGroup group;
  private final Transport transport;
  private final StatsRegistry stats;
  private final Timeouts timeouts;
  private final ListenerSnapshot.Dependencies dependencies;
  /**
   * Listeners with a TCP proxy chain run on {@link Transport#forRelays()}: its own event loops, as
   * many as the main group's, created on first use (none when the main transport is already fit).
   */
  private final Transport relayTransport;
  private final ListenerSnapshot.Dependencies relayDependencies;
  // Guarded by this.
  private EventLoopGroup relayGroup;
  private final List<BoundListener> bound = new CopyOnWriteArrayList<>();
  private final Gauge activeListeners;
  private final Gauge warmingListeners;
  private final Gauge draining;
  // Guarded by this.
  private final Map<String, Warming> warming = new LinkedHashMap<>();
  private ScheduledExecutorService warmingThread;
  private boolean stopped;

  /** A manager for plaintext listeners only: a chain that terminates TLS cannot be built. */
  public ListenerManager(EventLoopGroup group, Transport transport, StatsRegistry stats, ClusterManager clusters,
      RandomSource random) {
    this(group, transport, stats, clusters, random, null, null, Timeouts.DEFAULT);
  }

  /**
   * A manager that terminates TLS: each chain with a {@code DownstreamTlsContext} gets a context
   * from {@code tlsFactory} following its certificate and CA in {@code certificates} (where the
   * SDS wiring pushes secrets).
   */
  public ListenerManager(EventLoopGroup group, Transport transport, StatsRegistry stats, ClusterManager clusters,
      RandomSource random, TlsContextFactory tlsFactory, CertificateSourceRegistry certificates) {
    this(group, transport, stats, clusters, random, tlsFactory, certificates, Timeouts.DEFAULT);
  }

  public ListenerManager(EventLoopGroup group, Transport transport, StatsRegistry stats, ClusterManager clusters,
      RandomSource random, TlsContextFactory tlsFactory, CertificateSourceRegistry certificates, Timeouts timeouts) {
    this.group = group;
    this.transport = transport;
    this.stats = stats;
    this.timeouts = timeouts;
    TlsInspectorStats inspectorStats = new TlsInspectorStats(stats);
    this.dependencies = new ListenerSnapshot.Dependencies(stats, clusters, transport.upstream(), random, tlsFactory,
        certificates, inspectorStats, timeouts.listenerFilters().toMillis());
    this.relayTransport = transport.forRelays();
    this.relayDependencies = new ListenerSnapshot.Dependencies(stats, clusters, relayTransport.upstream(), random,
        tlsFactory, certificates, inspectorStats, timeouts.listenerFilters().toMillis());
    this.activeListeners = stats.gauge("listener_manager.total_listeners_active");
    this.warmingListeners = stats.gauge("listener_manager.total_listeners_warming");
    this.draining = stats.gauge("listener_manager.total_listeners_draining");
  }

  /**
   * Binds every listener whose certificates are ready and warms the others; when one cannot bind,
   * those already bound or warming are dropped again and the error names the listener and its
   * address. Returns the listeners, warming ones included ({@link BoundListener#state()}).
   */
  public synchronized List<BoundListener> bindAll(List<ListenerConfig> listeners) throws ListenerBindException {
    List<BoundListener> done = new ArrayList<>();
    for (ListenerConfig config : listeners) {
      try {
        done.add(add(config, null, Duration.ZERO));
      } catch (ListenerBindException e) {
        for (BoundListener l : done) {
          Warming w = warming.get(l.name());
          if (w != null && w.listener == l) {
            cancelWarming(w);
          } else {
            l.stopAccepting();
            bound.remove(l);
            l.snapshot().close();
          }
        }
        updateGauges();
        throw e;
      }
    }
    updateGauges();
    return done;
  }

  /**
   * Makes the listeners equal to {@code wanted}: binds new ones (after warming if they need
   * certificates), updates in place those that differ only in their connection managers' routes,
   * replaces the others (the new socket takes the port beside the old one, which then stops
   * accepting and drains for {@code drainTime}), and drains the ones no longer wanted. Listeners
   * that fail to build or bind are reported and skipped; the rest are applied.
   *
   * <p>Called by one configuration thread at a time.
   */
  public synchronized List<String> apply(List<ListenerConfig> wanted, Duration drainTime) {
    List<String> failures = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ListenerConfig config : wanted) {
      names.add(config.name());
      try {
        applyOne(config, drainTime);
      } catch (ListenerBindException e) {
        stats.counter("listener_manager.listener_create_failure").inc();
        log.warn(e.getMessage());
        failures.add(e.getMessage());
      }
    }
    for (BoundListener l : bound) {
      if (!names.contains(l.name())) {
        retire(l, drainTime);
        stats.counter("listener_manager.listener_removed").inc();
        log.info("listener '{}' removed; draining its connections", l.name());
      }
    }
    for (Warming w : List.copyOf(warming.values())) {
      if (!names.contains(w.listener.name())) {
        cancelWarming(w);
        if (listener(w.listener.name()) == null) {
          stats.counter("listener_manager.listener_removed").inc();
        }
        log.info("listener '{}' removed while warming", w.listener.name());
      }
    }
    updateGauges();
    return failures;
  }

  private void applyOne(ListenerConfig config, Duration drainTime) throws ListenerBindException {
    Warming pending = warming.get(config.name());
    if (pending != null) {
      ListenerConfig warmingConfig = pending.listener.config();
      if (warmingConfig.equals(config)) {
        return;
      }
      if (warmingConfig.address().equals(config.address()) && ListenerSnapshot.onlyRoutesDiffer(warmingConfig, config)) {
        pending.listener.updateInPlace(config);
        return;
      }
      cancelWarming(pending);
    }
    BoundListener existing = listener(config.name());
    if (existing == null) {
      add(config, null, drainTime);
      stats.counter("listener_manager.listener_added").inc();
    } else if (existing.config().equals(config)) {
      return;
    } else if (sameSocket(existing, config) && ListenerSnapshot.onlyRoutesDiffer(existing.config(), config)) {
      existing.updateInPlace(config);
      stats.counter("listener_manager.listener_in_place_updated").inc();
      log.info("listener '{}' updated in place", config.name());
    } else {
      BoundListener replacement = add(config, existing, drainTime);
      stats.counter("listener_manager.listener_modified").inc();
      if (replacement.state() == BoundListener.State.ACTIVE) {
        log.info("listener '{}' replaced; the old socket drains", config.name());
      }
    }
  }

  /** Builds a listener, then binds it (replacing {@code previous}) when ready, or starts warming it. */
  private BoundListener add(ListenerConfig config, BoundListener previous, Duration drainTime)
      throws ListenerBindException {
    BoundListener listener = new BoundListener(config,
        ListenerSnapshot.build(config, relaysBytes(config) ? relayDependencies : dependencies));
    if (listener.snapshot().isReady()) {
      activate(listener, previous, drainTime);
    } else {
      startWarming(listener, drainTime);
    }
    return listener;
  }

  private void activate(BoundListener listener, BoundListener previous, Duration drainTime)
      throws ListenerBindException {
    try {
      bindSocket(listener, previous);
    } catch (ListenerBindException e) {
      listener.abandoned();
      throw e;
    }
    if (previous != null && bound.contains(previous)) {
      bound.set(bound.indexOf(previous), listener);
      retire(previous, drainTime);
    } else {
      bound.add(listener);
    }
    listener.announceActive();
    log.info("listener '{}' listening on {}", listener.name(), listener.localAddress());
  }

  /**
   * Binds the listener's socket; when it replaces {@code previous} on the same address without
   * SO_REUSEPORT, the previous socket has to let go of the port first.
   */
  private void bindSocket(BoundListener listener, BoundListener previous) throws ListenerBindException {
    ListenerConfig config = listener.config();
    boolean relay = relaysBytes(config);
    Transport t = relay ? relayTransport : transport;
    // Both sockets need SO_REUSEPORT to share the port; otherwise the previous one lets go first.
    boolean share = t.supportsReusePort() && (relaysBytes(previous == null ? config : previous.config()) == relay);
    if (previous != null && !share && previous.config().address().equals(config.address())) {
      previous.stopAccepting();
    }
    ServerBootstrap b = new ServerBootstrap()
        .group(relay ? relayGroup() : group)
        .channel(t.serverChannelType())
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(t.reusePortOption(), true)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            listener.accept(ch);
          }
        });
    InetSocketAddress address = new InetSocketAddress(config.address().host(), config.address().port());
    ChannelFuture f = b.bind(address).awaitUninterruptibly();
    if (!f.isSuccess()) {
      throw new ListenerBindException("listener '" + config.name() + "': cannot bind " + config.address() + ": "
          + f.cause().getMessage(), f.cause());
    }
    listener.activated(f.channel());
  }

  /** True when a chain of {@code config} is a TCP proxy: it goes on the relay transport. */
  private boolean relaysBytes(ListenerConfig config) {
    if (relayTransport == transport) {
      return false;
    }
    for (FilterChainConfig chain : config.allFilterChains()) {
      if (chain.terminalFilter() instanceof TcpProxyConfig) {
        return true;
      }
    }
    return false;
  }

  private synchronized EventLoopGroup relayGroup() {
    if (relayGroup == null) {
      int loops = 0;
      for (EventExecutor ignored : group) {
        loops++;
      }
      relayGroup = relayTransport.newGroup(loops, "sluice-relay");
      log.info("TCP proxy listeners run on {} {} event loop(s) ({} drops data of half-closed connections)", loops,
          relayTransport.name(), transport.name());
    }
    return relayGroup;
  }

  // ---------------------------------------------------------------- warming

  private void startWarming(BoundListener listener, Duration drainTime) {
    Warming w = new Warming(listener, drainTime);
    warming.put(listener.name(), w);
    ScheduledExecutorService thread = warmingThread();
    listener.snapshot().whenReady().thenRunAsync(() -> finishWarming(w), thread);
    long warnAfter = timeouts.warming().toMillis();
    w.warning = thread.schedule(() -> warnStillWarming(w), warnAfter, TimeUnit.MILLISECONDS);
    log.info("listener '{}' warming: {}", listener.name(), listener.waitingFor());
  }

  private synchronized void finishWarming(Warming w) {
    if (w.cancelled || stopped || warming.get(w.listener.name()) != w) {
      return;
    }
    warming.remove(w.listener.name());
    w.warning.cancel(false);
    try {
      activate(w.listener, listener(w.listener.name()), w.drainTime);
      log.info("listener '{}' warmed", w.listener.name());
    } catch (ListenerBindException e) {
      stats.counter("listener_manager.listener_create_failure").inc();
      log.warn(e.getMessage());
    }
    updateGauges();
  }

  /** Not synchronized: it reads the contexts' state, and certificate sources may hold their locks while we wait. */
  private void warnStillWarming(Warming w) {
    if (w.cancelled || w.listener.state() != BoundListener.State.WARMING) {
      return;
    }
    for (String chain : w.listener.waitingFor()) {
      log.warn("listener '{}' still warming after {} ms: {}; it binds once its certificates arrive",
          w.listener.name(), timeouts.warming().toMillis(), chain);
    }
  }

  private void cancelWarming(Warming w) {
    w.cancelled = true;
    warming.remove(w.listener.name(), w);
    if (w.warning != null) {
      w.warning.cancel(false);
    }
    w.listener.abandoned();
  }

  private ScheduledExecutorService warmingThread() {
    if (warmingThread == null) {
      warmingThread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-listener-warming");
        t.setDaemon(true);
        return t;
      });
    }
    return warmingThread;
  }

  private void updateGauges() {
    activeListeners.set(bound.size());
    warmingListeners.set(warming.size());
  }

  // ---------------------------------------------------------------- lookups and draining

  /** The listener already holds the socket {@code config} asks for (port 0 matches the port it got). */
  private static boolean sameSocket(BoundListener existing, ListenerConfig config) {
    if (existing.config().address().equals(config.address())) {
      return true;
    }
    InetSocketAddress local = existing.localAddress();
    return existing.config().address().port() == 0
        && existing.config().address().host().equals(config.address().host())
        && local != null && local.getPort() == config.address().port();
  }

  /** Stops a listener accepting and gives its connections the drain time to finish. */
  private void retire(BoundListener l, Duration drainTime) {
    bound.remove(l);
    l.stopAccepting();
    l.snapshot().close();
    draining.inc();
    l.drainConnections().addListener(f -> draining.dec());
    group.next().schedule(l::closeConnections, drainTime.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The active (bound) listeners. */
  public List<BoundListener> listeners() {
    return List.copyOf(bound);
  }

  /** The listeners waiting for certificates, including replacements of active ones. */
  public synchronized List<BoundListener> warmingListeners() {
    return warming.values().stream().map(w -> w.listener).toList();
  }

  /** The active listener of this name, or null. */
  public BoundListener listener(String name) {
    for (BoundListener l : bound) {
      if (l.name().equals(name)) {
        return l;
      }
    }
    return null;
  }

  /** Closes all listening sockets and gives up warming; connections already accepted carry on. */
  public void stopAccepting() {
    synchronized (this) {
      stopped = true;
      List.copyOf(warming.values()).forEach(this::cancelWarming);
      updateGauges();
    }
    for (BoundListener l : bound) {
      if (l.isAccepting()) {
        l.stopAccepting();
      }
    }
  }

  /**
   * Stops accepting, lets connections finish their requests in flight, and closes whatever is
   * still open after {@code timeout}. Returns true when every connection closed by itself.
   */
  public boolean drain(Duration timeout) {
    stopAccepting();
    List<ChannelGroupFuture> closing = new ArrayList<>();
    for (BoundListener l : bound) {
      closing.add(l.drainConnections());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean clean = true;
    for (ChannelGroupFuture f : closing) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !f.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
        clean = false;
      }
    }
    if (!clean) {
      log.warn("drain timeout of {} elapsed; closing the remaining connections", timeout);
      for (BoundListener l : bound) {
        l.closeConnections();
      }
    }
    return clean;
  }

  /**
   * Stops accepting, stops following certificate sources and ends the warming thread.
   * Connections already accepted carry on; {@link BoundListener#closeConnections()} ends them.
   */
  public void close() {
    stopAccepting();
    synchronized (this) {
      for (BoundListener l : bound) {
        l.snapshot().close();
      }
      if (warmingThread != null) {
        warmingThread.shutdownNow();
      }
      if (relayGroup != null) {
        relayGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
      }
    }
  }
}
