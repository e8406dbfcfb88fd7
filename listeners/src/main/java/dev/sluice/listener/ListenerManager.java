package dev.sluice.listener;

import dev.sluice.common.RandomSource;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.listener.http.HttpConnectionManager;
import dev.sluice.stats.Gauge;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.upstream.ClusterManager;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the listeners of a configuration and drains them. */
public final class ListenerManager {
  private static final Logger log = LoggerFactory.getLogger(ListenerManager.class);

  private final EventLoopGroup group;
  private final Transport transport;
  private final StatsRegistry stats;
  private final ClusterManager clusters;
  private final RandomSource random;
  private final List<BoundListener> bound = new CopyOnWriteArrayList<>();
  private final Gauge activeListeners;
  private final Gauge draining;

  public ListenerManager(EventLoopGroup group, Transport transport, StatsRegistry stats, ClusterManager clusters,
      RandomSource random) {
    this.group = group;
    this.transport = transport;
    this.stats = stats;
    this.clusters = clusters;
    this.random = random;
    this.activeListeners = stats.gauge("listener_manager.total_listeners_active");
    this.draining = stats.gauge("listener_manager.total_listeners_draining");
  }

  /**
   * Binds every listener, or none: when one cannot bind, those already bound are closed and the
   * error names the listener and its address.
   */
  public List<BoundListener> bindAll(List<ListenerConfig> listeners) throws ListenerBindException {
    List<BoundListener> done = new ArrayList<>();
    for (ListenerConfig config : listeners) {
      try {
        done.add(bind(config));
      } catch (ListenerBindException e) {
        for (BoundListener b : done) {
          b.stopAccepting();
          bound.remove(b);
        }
        activeListeners.set(bound.size());
        throw e;
      }
    }
    return done;
  }

  private BoundListener bind(ListenerConfig config) throws ListenerBindException {
    return bind(config, null);
  }

  /**
   * Binds {@code config}; when it replaces {@code previous} on the same address without SO_REUSEPORT,
   * the previous socket has to let go of the port first.
   */
  private BoundListener bind(ListenerConfig config, BoundListener previous) throws ListenerBindException {
    if (previous != null && !transport.supportsReusePort()
        && previous.config().address().equals(config.address())) {
      previous.stopAccepting();
    }
    HttpConnectionManagerConfig hcmConfig = connectionManagerConfig(config);
    HttpConnectionManager hcm = new HttpConnectionManager(hcmConfig, stats, clusters, transport.upstream(), random);
    DefaultChannelGroup connections = new DefaultChannelGroup(config.name(), GlobalEventExecutor.INSTANCE);
    // Envoy names listener stats by address with the port after an underscore: listener.0.0.0.0_8080.
    String listenerStat = "listener." + config.address().host() + "_" + config.address().port() + ".";
    var cxTotal = stats.counter(listenerStat + "downstream_cx_total");
    var cxActive = stats.gauge(listenerStat + "downstream_cx_active");
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannelType())
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(transport.reusePortOption(), true)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            connections.add(ch);
            cxTotal.inc();
            cxActive.inc();
            ch.closeFuture().addListener(f -> cxActive.dec());
            hcm.initChannel(ch);
          }
        });
    InetSocketAddress address = new InetSocketAddress(config.address().host(), config.address().port());
    ChannelFuture f = b.bind(address).awaitUninterruptibly();
    if (!f.isSuccess()) {
      throw new ListenerBindException("listener '" + config.name() + "': cannot bind " + config.address() + ": "
          + f.cause().getMessage(), f.cause());
    }
    BoundListener listener = new BoundListener(config, hcm, f.channel(), connections);
    if (previous != null) {
      bound.set(bound.indexOf(previous), listener);
    } else {
      bound.add(listener);
    }
    activeListeners.set(bound.size());
    log.info("listener '{}' listening on {}", config.name(), listener.localAddress());
    return listener;
  }

  static HttpConnectionManagerConfig connectionManagerConfig(ListenerConfig config) {
    return (HttpConnectionManagerConfig) config.filterChains().get(0).terminalFilter();
  }

  /**
   * Makes the bound listeners equal to {@code wanted}: binds new ones, updates in place those whose
   * socket and codec are unchanged, replaces the others (the new socket takes the port beside the
   * old one, which then stops accepting and drains), and drains the ones no longer wanted.
   * Listeners that fail to bind are reported and skipped; the rest are applied.
   *
   * <p>Called by one configuration thread at a time.
   */
  public List<String> apply(List<ListenerConfig> wanted, Duration drainTime) {
    List<String> failures = new ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (ListenerConfig config : wanted) {
      names.add(config.name());
      BoundListener existing = listener(config.name());
      try {
        if (existing == null) {
          bind(config);
          stats.counter("listener_manager.listener_added").inc();
        } else if (existing.config().equals(config)) {
          continue;
        } else if (sameSocket(existing, config)
            && connectionManagerConfig(existing.config()).codecType() == connectionManagerConfig(config).codecType()
            && existing.config().filterChains().size() == config.filterChains().size()) {
          existing.updateInPlace(config);
          stats.counter("listener_manager.listener_in_place_updated").inc();
          log.info("listener '{}' updated in place", config.name());
        } else {
          BoundListener replacement = bind(config, existing);
          retire(existing, drainTime);
          stats.counter("listener_manager.listener_modified").inc();
          log.info("listener '{}' replaced; the old socket drains", replacement.name());
        }
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
    activeListeners.set(bound.size());
    return failures;
  }

  /** The listener already holds the socket {@code config} asks for (port 0 matches the port it got). */
  private static boolean sameSocket(BoundListener existing, ListenerConfig config) {
    if (existing.config().address().equals(config.address())) {
      return true;
    }
    return existing.config().address().port() == 0
        && existing.config().address().host().equals(config.address().host())
        && existing.localAddress().getPort() == config.address().port();
  }

  /** Stops a listener accepting and gives its connections the drain time to finish. */
  private void retire(BoundListener l, Duration drainTime) {
    bound.remove(l);
    l.stopAccepting();
    draining.inc();
    l.drainConnections().addListener(f -> draining.dec());
    group.next().schedule(l::closeConnections, drainTime.toMillis(), TimeUnit.MILLISECONDS);
  }

  public List<BoundListener> listeners() {
    return List.copyOf(bound);
  }

  public BoundListener listener(String name) {
    for (BoundListener l : bound) {
      if (l.name().equals(name)) {
        return l;
      }
    }
    return null;
  }

  /** Closes all listening sockets; connections already accepted carry on. */
  public void stopAccepting() {
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

}
