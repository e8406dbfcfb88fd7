package dev.sluice.listener;

import dev.sluice.config.ListenerConfig;
import dev.sluice.listener.http.DrainEvent;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A listener of the configuration: warming (built, waiting for its TLS certificates, no socket
 * yet) or active (socket bound, accepting), with its accepted connections.
 */
public final class BoundListener {
  /** Envoy's listener states as the admin interface shows them. */
  public enum State {
    /** Waiting for TLS certificates (SDS secrets, files) before it binds. */
    WARMING,
    /** Bound and accepting (until it drains). */
    ACTIVE
  }

  private final ListenerSnapshot snapshot;
  private final ChannelGroup connections;
  private final CompletableFuture<BoundListener> active = new CompletableFuture<>();
  private volatile ListenerConfig config;
  private volatile State state = State.WARMING;
  private volatile Channel serverChannel;
  private volatile boolean accepting;

  BoundListener(ListenerConfig config, ListenerSnapshot snapshot) {
    this.config = config;
    this.snapshot = snapshot;
    this.connections = new DefaultChannelGroup(config.name(), GlobalEventExecutor.INSTANCE);
  }

  public String name() {
    return config.name();
  }

  public ListenerConfig config() {
    return config;
  }

  public State state() {
    return state;
  }

  /** Names of the filter chains, the default chain last. */
  public List<String> filterChainNames() {
    return snapshot.chainNames();
  }

  /**
   * While warming: each chain still without a certificate, what it waits for and the last error
   * (e.g. {@code chain 'https' waits for [sds secret 'gateway-cert']}); empty once ready.
   */
  public List<String> waitingFor() {
    return snapshot.waitingFor();
  }

  /**
   * While warming: why a chain's certificate could not be loaded (unreadable file, key not
   * matching), e.g. {@code filter chain 'https': private key file /k.pem does not match ...}.
   */
  public Optional<String> tlsError() {
    return snapshot.tlsError();
  }

  /**
   * Completes when the listener is bound; fails with a {@link java.util.concurrent.CancellationException}
   * when it is removed or superseded while warming, or cannot bind.
   */
  public CompletableFuture<BoundListener> whenActive() {
    return active.copy();
  }

  /** The address actually bound (the kernel's port when the configured one was 0); null while warming. */
  public InetSocketAddress localAddress() {
    Channel ch = serverChannel;
    return ch == null ? null : (InetSocketAddress) ch.localAddress();
  }

  public boolean isAccepting() {
    return accepting;
  }

  ListenerSnapshot snapshot() {
    return snapshot;
  }

  /** Takes over a newly accepted connection. */
  void accept(Channel ch) {
    ListenerStats stats = snapshot.stats();
    connections.add(ch);
    stats.downstreamCxTotal.inc();
    stats.downstreamCxActive.inc();
    ch.closeFuture().addListener(f -> stats.downstreamCxActive.dec());
    snapshot.initChannel(ch);
  }

  void activated(Channel serverChannel) {
    this.serverChannel = serverChannel;
    this.accepting = true;
    this.state = State.ACTIVE;
  }

  /** Tells waiters, once the listener it replaces (if any) has stopped accepting. */
  void announceActive() {
    active.complete(this);
  }

  /** The listener will never bind (removed, superseded or failed while warming). */
  void abandoned() {
    active.cancel(false);
    snapshot.close();
  }

  /**
   * Applies a configuration that differs only in connection managers' routes: connections stay,
   * requests that start from now on see the new routes.
   */
  void updateInPlace(ListenerConfig newConfig) {
    snapshot.updateRoutes(newConfig);
    config = newConfig;
  }

  /** Closes the listening socket; accepted connections go on. */
  public void stopAccepting() {
    accepting = false;
    Channel ch = serverChannel;
    if (ch != null) {
      ch.close().syncUninterruptibly();
    }
  }

  /** Asks every connection to finish its requests in flight and close. */
  public ChannelGroupFuture drainConnections() {
    snapshot.startDraining();
    ChannelGroupFuture closed = connections.newCloseFuture();
    for (Channel ch : connections) {
      ch.eventLoop().execute(() -> ch.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE));
    }
    return closed;
  }

  /** Closes every remaining connection at once. */
  public void closeConnections() {
    connections.close();
  }

  @Override
  public String toString() {
    return "listener '" + name() + "' (" + state + ")";
  }
}
