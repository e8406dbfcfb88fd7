package dev.sluice.upstream.pool;

import dev.sluice.upstream.UpstreamEndpoint;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The idle HTTP/1.1 connections to one endpoint on one event loop. Most recently used first, so
 * that a warm connection is reused and the cold ones age out under the idle timeout.
 */
public final class Http1ConnectionPool {
  /** Envoy's default upstream response header limit matches its request limit: 60 KiB. */
  private static final int MAX_RESPONSE_HEADER_BYTES = 60 * 1024;
  private static final int MAX_INITIAL_LINE = 16 * 1024;
  private static final int MAX_CHUNK = 64 * 1024;

  private final EventLoop loop;
  private final UpstreamEndpoint endpoint;
  private final UpstreamTransport transport;
  private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();

  Http1ConnectionPool(EventLoop loop, UpstreamEndpoint endpoint, UpstreamTransport transport) {
    this.loop = loop;
    this.endpoint = endpoint;
    this.transport = transport;
  }

  public UpstreamEndpoint endpoint() {
    return endpoint;
  }

  /** An idle, open connection, or null; never blocks and never allocates. */
  public UpstreamConnection acquireNow() {
    UpstreamConnection c;
    while ((c = idle.pollFirst()) != null) {
      if (c.channel().isActive()) {
        return c;
      }
    }
    return null;
  }

  /**
   * Opens a new connection on this pool's event loop; with TLS, {@code onConnected} follows the
   * successful handshake.
   */
  public void connect(ConnectCallback callback) {
    UpstreamConnection connection = new UpstreamConnection(this, endpoint);
    HttpClientCodec codec = new HttpClientCodec(MAX_INITIAL_LINE, MAX_RESPONSE_HEADER_BYTES, MAX_CHUNK);
    UpstreamConnector.open(loop, transport, endpoint, false, codec, connection).addListener(done -> {
      if (done.isSuccess()) {
        callback.onConnected(connection);
      } else {
        callback.onConnectFailed(done.cause());
      }
    });
  }

  void offer(UpstreamConnection c) {
    c.idleSinceNanos = System.nanoTime();
    idle.addFirst(c);
  }

  void remove(UpstreamConnection c) {
    idle.remove(c);
  }

  /** Closes idle connections older than the cluster's idle timeout, or all if the endpoint left. */
  int sweep(long nowNanos) {
    long idleTimeoutNanos = endpoint.cluster().config().idleTimeout().toNanos();
    boolean closeAll = endpoint.isRemoved();
    int closed = 0;
    for (Iterator<UpstreamConnection> it = idle.iterator(); it.hasNext(); ) {
      UpstreamConnection c = it.next();
      if (closeAll || nowNanos - c.idleSinceNanos >= idleTimeoutNanos) {
        it.remove();
        Channel ch = c.channel();
        ch.close();
        closed++;
      }
    }
    return closed;
  }

  boolean isEmpty() {
    return idle.isEmpty();
  }
}
