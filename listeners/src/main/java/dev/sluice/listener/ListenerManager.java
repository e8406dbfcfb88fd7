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

  public ListenerManager(EventLoopGroup group, Transport transport, StatsRegistry stats, ClusterManager clusters,
      RandomSource random) {
    this.group = group;
    this.transport = transport;
    this.stats = stats;
    this.clusters = clusters;
    this.random = random;
    this.activeListeners = stats.gauge("listener_manager.total_listeners_active");
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
    HttpConnectionManagerConfig hcmConfig =
        (HttpConnectionManagerConfig) config.filterChains().get(0).terminalFilter();
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
    bound.add(listener);
    activeListeners.set(bound.size());
    log.info("listener '{}' listening on {}", config.name(), listener.localAddress());
    return listener;
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
