package dev.sluice.listener;

import dev.sluice.config.ListenerConfig;
import dev.sluice.listener.http.DrainEvent;
import dev.sluice.listener.http.HttpConnectionManager;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import java.net.InetSocketAddress;

/** A listener whose socket is bound: its configuration, server channel and accepted connections. */
public final class BoundListener {
  private volatile ListenerConfig config;
  private final HttpConnectionManager connectionManager;
  private final Channel serverChannel;
  private final ChannelGroup connections;
  private volatile boolean accepting = true;

  BoundListener(ListenerConfig config, HttpConnectionManager connectionManager, Channel serverChannel,
      ChannelGroup connections) {
    this.config = config;
    this.connectionManager = connectionManager;
    this.serverChannel = serverChannel;
    this.connections = connections;
  }

  public String name() {
    return config.name();
  }

  public ListenerConfig config() {
    return config;
  }

  /**
   * Applies a configuration that differs only inside the connection manager (routes, limits,
   * timeouts): connections stay, requests that start from now on see the new routes.
   */
  void updateInPlace(ListenerConfig newConfig) {
    connectionManager.update(ListenerManager.connectionManagerConfig(newConfig));
    config = newConfig;
  }

  /** The address actually bound, with the port the kernel chose when the configured port was 0. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  public boolean isAccepting() {
    return accepting;
  }

  /** Closes the listening socket; accepted connections go on. */
  public void stopAccepting() {
    accepting = false;
    serverChannel.close().syncUninterruptibly();
  }

  /** Asks every connection to finish its requests in flight and close. */
  public ChannelGroupFuture drainConnections() {
    connectionManager.startDraining();
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
}
