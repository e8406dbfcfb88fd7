package dev.sluice.upstream.pool;

import dev.sluice.upstream.UpstreamEndpoint;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * One upstream HTTP/1.1 connection and the last handler of its pipeline. While bound to a request
 * it hands every message to that request's listener; while idle in its pool any input means the
 * server is misbehaving, so the connection is closed.
 */
public final class UpstreamConnection extends ChannelInboundHandlerAdapter {
  private final Http1ConnectionPool pool;
  private final UpstreamEndpoint endpoint;
  private Channel channel;
  private UpstreamResponseListener listener;
  private Throwable failure;
  private int requests;
  long idleSinceNanos;

  UpstreamConnection(Http1ConnectionPool pool, UpstreamEndpoint endpoint) {
    this.pool = pool;
    this.endpoint = endpoint;
  }

  public Channel channel() {
    return channel;
  }

  public UpstreamEndpoint endpoint() {
    return endpoint;
  }

  /** Routes this connection's input to {@code l} until {@link #release}. */
  public void bind(UpstreamResponseListener l) {
    listener = l;
    requests++;
  }

  /**
   * Ends the current request. A reusable connection goes back to its pool; anything else is
   * closed. Call only after the response was read to its end and the request written entirely.
   */
  public void release(boolean reusable) {
    listener = null;
    if (!channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
    }
    int max = endpoint.cluster().config().maxRequestsPerConnection();
    if (reusable && channel.isActive() && !endpoint.isRemoved() && (max == 0 || requests < max)) {
      pool.offer(this);
    } else {
      channel.close();
    }
  }

  /** Ends the current request and closes the connection (a reset, a timeout, an early response). */
  public void abort() {
    listener = null;
    channel.close();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamResponseListener l = listener;
    if (l == null) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    l.onUpstreamMessage(this, (io.netty.handler.codec.http.HttpObject) msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    UpstreamResponseListener l = listener;
    if (l != null) {
      l.onUpstreamReadComplete(this);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    UpstreamResponseListener l = listener;
    if (l != null) {
      l.onUpstreamWritabilityChanged(this);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    pool.remove(this);
    UpstreamResponseListener l = listener;
    listener = null;
    if (l != null) {
      endpoint.cluster().stats().upstreamCxDestroyRemote.inc();
      l.onUpstreamClosed(this, failure);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    failure = cause;
    ctx.close();
  }
}
