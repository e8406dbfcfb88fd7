package dev.sluice.listener;

import dev.sluice.common.RandomSource;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.FilterChainMatchConfig;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.NetworkFilterConfig;
import dev.sluice.config.TcpProxyConfig;
import dev.sluice.listener.filter.ClientHello;
import dev.sluice.listener.filter.FilterChainSelector;
import dev.sluice.listener.filter.TerminalFilter;
import dev.sluice.listener.filter.TlsInspectorHandler;
import dev.sluice.listener.filter.TlsInspectorStats;
import dev.sluice.listener.http.HttpConnectionManager;
import dev.sluice.listener.tcp.TcpProxy;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.tls.CertificateSourceRegistry;
import dev.sluice.tls.RotatingTlsContext;
import dev.sluice.tls.TlsContextFactory;
import dev.sluice.upstream.ClusterManager;
import dev.sluice.upstream.pool.UpstreamTransport;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener configuration compiled for accepting connections: the filter-chain selector, each
 * chain's TLS context and terminal filter, and the listener's stats. Built once per configuration
 * (a change other than routes builds a new one); connections read nothing volatile from it. Only
 * the connection managers' route tables change in place.
 */
final class ListenerSnapshot implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ListenerSnapshot.class);
  /** Envoy's stand-in for addresses that are not IP (a pipe): matches only catch-all ranges. */
  private static final InetSocketAddress NOT_IP = new InetSocketAddress("255.255.255.255", 0);

  /** What building a listener needs from its manager. */
  record Dependencies(
      StatsRegistry stats,
      ClusterManager clusters,
      UpstreamTransport upstream,
      RandomSource random,
      TlsContextFactory tlsFactory,
      CertificateSourceRegistry certificates,
      TlsInspectorStats inspectorStats,
      long listenerFiltersTimeoutMillis) {}

  private final ListenerConfig config;
  private final FilterChainSelector selector;
  private final FilterChain[] chains;
  private final FilterChain defaultChain;
  private final ListenerStats stats;
  private final TlsInspectorStats inspectorStats;
  private final long inspectorTimeoutMillis;
  private final TlsInspectorHandler.Continuation afterInspection = this::select;

  private ListenerSnapshot(ListenerConfig config, FilterChain[] chains, FilterChain defaultChain,
      Dependencies deps) {
    this.config = config;
    this.selector = FilterChainSelector.compile(config.filterChains().stream().map(FilterChainConfig::match).toList());
    this.chains = chains;
    this.defaultChain = defaultChain;
    this.stats = new ListenerStats(deps.stats(), config.address());
    this.inspectorStats = deps.inspectorStats();
    this.inspectorTimeoutMillis = deps.listenerFiltersTimeoutMillis();
  }

  /**
   * Builds the chains, creating a TLS context for each chain that terminates TLS.
   *
   * @throws ListenerBindException when a chain needs something this process lacks (TLS support)
   */
  static ListenerSnapshot build(ListenerConfig config, Dependencies deps) throws ListenerBindException {
    List<FilterChain> built = new ArrayList<>();
    try {
      for (FilterChainConfig chain : config.allFilterChains()) {
        built.add(chain(config, chain, deps));
      }
    } catch (ListenerBindException | RuntimeException e) {
      built.forEach(ListenerSnapshot::closeTls);
      throw e;
    }
    int matched = config.filterChains().size();
    FilterChain defaultChain = config.defaultFilterChain() == null ? null : built.get(matched);
    ListenerSnapshot snapshot = new ListenerSnapshot(config, built.subList(0, matched).toArray(new FilterChain[0]),
        defaultChain, deps);
    if (!config.tlsInspector()) {
      for (FilterChainConfig chain : config.filterChains()) {
        FilterChainMatchConfig match = chain.match();
        if (!match.serverNames().isEmpty() || !match.applicationProtocols().isEmpty()
            || match.transportProtocol().equals("tls")) {
          // Envoy accepts this too; SNI and ALPN stay empty and the transport is raw_buffer.
          log.warn("listener '{}': chain '{}' matches on SNI, ALPN or transport protocol but the listener has no "
              + "tls_inspector, so it matches no connection", config.name(), chain.name());
        }
      }
    }
    return snapshot;
  }

  private static FilterChain chain(ListenerConfig listener, FilterChainConfig chain, Dependencies deps)
      throws ListenerBindException {
    RotatingTlsContext tls = null;
    if (chain.tls() != null) {
      if (deps.tlsFactory() == null || deps.certificates() == null) {
        throw new ListenerBindException("listener '" + listener.name() + "': filter chain '" + chain.name()
            + "' terminates TLS, but this process has no TLS support configured", null);
      }
      tls = deps.tlsFactory().serverContext("listener '" + listener.name() + "' chain '" + chain.name() + "'",
          chain.tls(), deps.certificates());
    }
    return new FilterChain(chain, tls, terminalFilter(chain.terminalFilter(), deps));
  }

  private static TerminalFilter terminalFilter(NetworkFilterConfig config, Dependencies deps) {
    if (config instanceof HttpConnectionManagerConfig hcm) {
      return new HttpConnectionManager(hcm, deps.stats(), deps.clusters(), deps.upstream(), deps.random());
    }
    return new TcpProxy((TcpProxyConfig) config, deps.stats(), deps.clusters(), deps.upstream(), deps.random());
  }

  // ---------------------------------------------------------------- accepting

  ListenerStats stats() {
    return stats;
  }

  /** Sets up an accepted connection: the TLS inspector if configured, else chain selection at once. */
  void initChannel(Channel ch) {
    if (config.tlsInspector()) {
      ch.pipeline().addLast("tls-inspector", new TlsInspectorHandler(inspectorStats, inspectorTimeoutMillis,
          stats.downstreamPreCxTimeout, afterInspection));
    } else {
      select(ch, null);
    }
  }

  /** Without a ClientHello, SNI and ALPN are empty and the transport is raw_buffer, as in Envoy. */
  private void select(Channel ch, ClientHello hello) {
    int index = selector.select(inet(ch.localAddress()), inet(ch.remoteAddress()),
        hello == null ? null : hello.serverName(),
        hello == null ? "raw_buffer" : "tls",
        hello == null ? List.of() : hello.applicationProtocols());
    FilterChain chain = index == FilterChainSelector.NO_MATCH ? defaultChain : chains[index];
    if (chain == null) {
      stats.noFilterChainMatch.inc();
      log.debug("{}: no filter chain of listener '{}' matches (server name {}, {})", ch, config.name(),
          hello == null ? null : hello.serverName(), hello == null ? "raw_buffer" : "tls");
      ch.close();
      return;
    }
    chain.install(ch, stats);
  }

  private static InetSocketAddress inet(SocketAddress address) {
    return address instanceof InetSocketAddress inet ? inet : NOT_IP;
  }

  // ---------------------------------------------------------------- lifecycle

  private List<FilterChain> allChains() {
    List<FilterChain> all = new ArrayList<>(List.of(chains));
    if (defaultChain != null) {
      all.add(defaultChain);
    }
    return all;
  }

  List<String> chainNames() {
    return allChains().stream().map(FilterChain::name).toList();
  }

  /** True when every terminating chain has its certificate. */
  boolean isReady() {
    for (FilterChain chain : allChains()) {
      if (chain.tls != null && chain.tls.current() == null) {
        return false;
      }
    }
    return true;
  }

  /** Completes when every TLS context has its first snapshot (on whichever thread delivered the last one). */
  CompletableFuture<Void> whenReady() {
    return CompletableFuture.allOf(allChains().stream().filter(c -> c.tls != null).map(c -> c.tls.ready())
        .toArray(CompletableFuture<?>[]::new));
  }

  /** For each chain still without a certificate: what it waits for and the last error, if any. */
  List<String> waitingFor() {
    List<String> waiting = new ArrayList<>();
    for (FilterChain chain : allChains()) {
      if (chain.tls != null && chain.tls.current() == null) {
        waiting.add("chain '" + chain.name() + "' waits for " + chain.tls.waitingFor()
            + chain.tls.lastError().map(e -> " (last error: " + e + ")").orElse(""));
      }
    }
    return waiting;
  }

  /** The first TLS context that failed to load its material: chain name and reason. */
  Optional<String> tlsError() {
    for (FilterChain chain : allChains()) {
      if (chain.tls != null && chain.tls.current() == null && chain.tls.lastError().isPresent()) {
        return Optional.of("filter chain '" + chain.name() + "': " + chain.tls.lastError().get());
      }
    }
    return Optional.empty();
  }

  void startDraining() {
    for (FilterChain chain : allChains()) {
      chain.filter.startDraining();
    }
  }

  /**
   * Applies {@code newConfig}, which differs from this one only in connection managers' routes
   * ({@link #onlyRoutesDiffer}): requests that start from now on see the new routes.
   */
  void updateRoutes(ListenerConfig newConfig) {
    List<FilterChain> current = allChains();
    List<FilterChainConfig> next = newConfig.allFilterChains();
    for (int i = 0; i < current.size(); i++) {
      if (current.get(i).filter instanceof HttpConnectionManager hcm
          && next.get(i).terminalFilter() instanceof HttpConnectionManagerConfig routes) {
        hcm.update(routes);
      }
    }
  }

  /** Stops following certificate sources; established connections keep their engines. */
  @Override
  public void close() {
    allChains().forEach(ListenerSnapshot::closeTls);
  }

  private static void closeTls(FilterChain chain) {
    if (chain.tls != null) {
      chain.tls.close();
    }
  }

  /**
   * True when {@code b} can be applied to a listener built from {@code a} in place: the same
   * listener apart from the socket address and the route configurations of its connection managers.
   */
  static boolean onlyRoutesDiffer(ListenerConfig a, ListenerConfig b) {
    if (!a.name().equals(b.name()) || a.direction() != b.direction() || a.tlsInspector() != b.tlsInspector()
        || a.filterChains().size() != b.filterChains().size()
        || (a.defaultFilterChain() == null) != (b.defaultFilterChain() == null)) {
      return false;
    }
    List<FilterChainConfig> x = a.allFilterChains();
    List<FilterChainConfig> y = b.allFilterChains();
    for (int i = 0; i < x.size(); i++) {
      if (!sameExceptRoutes(x.get(i), y.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameExceptRoutes(FilterChainConfig a, FilterChainConfig b) {
    if (a.terminalFilter() instanceof HttpConnectionManagerConfig ha
        && b.terminalFilter() instanceof HttpConnectionManagerConfig hb) {
      return a.equals(b.withTerminalFilter(hb.withRouteConfig(ha.routeConfig())));
    }
    return a.equals(b);
  }
}
