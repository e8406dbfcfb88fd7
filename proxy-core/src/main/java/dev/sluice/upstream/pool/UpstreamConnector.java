package dev.sluice.upstream.pool;

import dev.sluice.upstream.ClusterStats;
import dev.sluice.upstream.UpstreamCluster;
import dev.sluice.upstream.UpstreamEndpoint;
import dev.sluice.upstream.UpstreamTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import javax.net.ssl.SSLException;

/**
 * Opens connections to upstream endpoints, for the HTTP pools and for raw (TCP proxy) use: the
 * socket options all upstream connections share and, when the endpoint's cluster originates TLS,
 * the TLS handler first in the pipeline. A TLS connection counts as connected only once its
 * handshake succeeded, so that a refused certificate is a connect failure, as in Envoy, and
 * nothing is written before the peer was verified.
 *
 * <p>It counts {@code upstream_cx_total}/{@code upstream_cx_active}, connect failures and
 * timeouts, and the cluster's {@code ssl.*} counters; callers count nothing of that again.
 */
public final class UpstreamConnector {
  private static final String TLS_HANDLER = "tls";

  private UpstreamConnector() {}

  /**
   * Opens a relay connection (the TCP proxy's) to {@code endpoint} on {@code loop}, with
   * {@code handler} after the TLS handler if the cluster has TLS. As a relay needs, the channel
   * starts with {@code AUTO_READ} off (the TLS handshake reads on its own) and allows half-closure.
   * May be called from any thread; the future's listeners run on {@code loop}. Cancelling the
   * future before it completes closes the connection, uncounted (the client left).
   *
   * @return succeeds with the channel once connected and, with TLS, the handshake succeeded;
   *     fails with the connect or handshake failure, or an {@link SSLException} saying what the
   *     cluster's TLS context still waits for
   */
  public static Future<Channel> connect(EventLoop loop, UpstreamTransport transport, UpstreamEndpoint endpoint,
      ChannelHandler handler) {
    return open(loop, transport, endpoint, true, handler);
  }

  static Future<Channel> open(EventLoop loop, UpstreamTransport transport, UpstreamEndpoint endpoint, boolean relay,
      ChannelHandler... handlers) {
    // One read: settings, TLS and the endpoint list were published together.
    UpstreamCluster.State state = endpoint.cluster().state();
    UpstreamTls tls = state.tls();
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, state.config().connectTimeout().toMillis());
    ClusterStats stats = endpoint.cluster().stats();
    Promise<Channel> promise = loop.newPromise();
    Bootstrap b = new Bootstrap()
        .group(loop)
        .channel(transport.channelType())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.AUTO_READ, !relay)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, relay)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (tls != null) {
              // The handler is made here, with the channel's allocator; nothing is connected yet,
              // so a context that is not ready costs no socket.
              SslHandler ssl = tls.newHandler(ch.alloc(), endpoint.configured().host(), endpoint.address().getPort());
              if (ssl == null) {
                stats.upstreamCxConnectFail.inc();
                promise.tryFailure(new SSLException(
                    "cluster '" + endpoint.cluster().name() + "': TLS context " + tls.notReadyReason()));
                ch.close();
                return;
              }
              // Envoy's connect_timeout lasts until the transport socket is connected, handshake
              // included; here the handshake gets its own budget of the same length.
              ssl.setHandshakeTimeoutMillis(timeoutMillis);
              ch.pipeline().addLast(TLS_HANDLER, ssl);
              ssl.handshakeFuture().addListener(done -> {
                if (promise.isDone()) {
                  return; // the connect failed (counted there) or was cancelled
                }
                if (done.isSuccess()) {
                  stats.sslHandshake().inc();
                  promise.trySuccess(ch);
                  return;
                }
                endpoint.connectFailed();
                stats.sslFailure(tls.failureStat(done.cause())).inc();
                if (done.cause() instanceof SslHandshakeTimeoutException) {
                  stats.upstreamCxConnectTimeout.inc();
                }
                ch.close();
                promise.tryFailure(done.cause());
              });
            }
            ch.pipeline().addLast(handlers);
          }
        });
    ChannelFuture connected = b.connect(endpoint.address());
    promise.addListener(done -> {
      if (done.isCancelled()) {
        connected.channel().close();
      }
    });
    // Every listener here runs on the loop, so only a cancel from another thread can complete the
    // promise between the check and the completion. Counting comes first so that a caller woken
    // by the promise sees the counters.
    connected.addListener(done -> {
      if (promise.isDone()) {
        return; // refused before connecting (TLS context not ready) or cancelled
      }
      if (done.isSuccess()) {
        Channel ch = connected.channel();
        endpoint.connectionOpened();
        ch.closeFuture().addListener(closed -> endpoint.connectionClosed());
        if (tls == null) {
          promise.trySuccess(ch);
        }
        return;
      }
      endpoint.connectFailed();
      if (done.cause() instanceof ConnectTimeoutException) {
        stats.upstreamCxConnectTimeout.inc();
      }
      promise.tryFailure(done.cause());
    });
    return promise;
  }
}
