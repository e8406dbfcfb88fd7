package dev.sluice.listener.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Connection-level bookkeeping for the connection manager: connection counters, the idle timeout
 * of HTTP/2 connections (HTTP/1.1 connections are judged idle by their stream handler, which
 * knows whether a request is in flight) and graceful GOAWAY on drain.
 */
final class DownstreamConnectionHandler extends ChannelInboundHandlerAdapter {
  private final HttpConnectionManagerStats stats;
  private boolean counted;

  DownstreamConnectionHandler(HttpConnectionManagerStats stats) {
    this.stats = stats;
  }

  /** After filter-chain selection or a TLS handshake the connection is active before this handler exists. */
  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      count();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    count();
    ctx.fireChannelActive();
  }

  private void count() {
    if (!counted) {
      counted = true;
      stats.downstreamCxTotal.inc();
      stats.downstreamCxActive.inc();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (counted) {
      stats.downstreamCxActive.dec();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    Http2FrameCodec h2 = ctx.pipeline().get(Http2FrameCodec.class);
    if (h2 != null) {
      if (evt instanceof DrainEvent) {
        // Closing the HTTP/2 codec sends GOAWAY and waits for the active streams to finish.
        stats.downstreamCxDrainClose.inc();
        ctx.close();
        return;
      }
      if (evt instanceof IdleStateEvent && h2.connection().numActiveStreams() == 0) {
        stats.downstreamCxIdleTimeout.inc();
        ctx.close();
        return;
      }
    }
    ctx.fireUserEventTriggered(evt);
  }
}
