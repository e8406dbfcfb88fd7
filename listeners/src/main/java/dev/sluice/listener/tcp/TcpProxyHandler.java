package dev.sluice.listener.tcp;

import dev.sluice.upstream.UpstreamCluster;
import dev.sluice.upstream.UpstreamEndpoint;
import dev.sluice.upstream.pool.UpstreamConnector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied connection: the downstream side is this handler, the upstream side its inner
 * {@link UpstreamSide}; both channels share one event loop, so all state here is confined to it.
 *
 * <p>Bytes read before the upstream is ready (the ClientHello a TLS inspector replays, data the
 * client sent right after its handshake) are held and written first. Backpressure: a side stops
 * reading while the other cannot take more. Half-close follows Envoy's tcp_proxy: the end of one
 * side's input shuts down the other side's output once everything before it is written, and the
 * connection closes when both directions are done, or when either side closes outright.
 */
final class TcpProxyHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(TcpProxyHandler.class);

  /**
   * What each relay channel may queue before the other side stops reading: 1 MiB, Envoy's default
   * {@code per_connection_buffer_limit_bytes}. With the 64 KiB mark the upstream connector sets for
   * the HTTP pools, every 64 KiB read made the other side unwritable, so each wake-up read once and
   * turned reading off and on again.
   */
  static final WriteBufferWaterMark RELAY_WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

  /**
   * Reads of up to 256 KiB once a stream proves bulky (small exchanges keep small buffers). With the
   * mark above, one iperf3 stream on one core: 12.1 → 21.0 Gbit/s and 629 → 310 ms of proxy CPU per
   * GB (perf (t)); 1 MiB reads gained little more, varied more and hold four times as much per
   * connection.
   */
  static final AdaptiveRecvByteBufAllocator RELAY_READS = new AdaptiveRecvByteBufAllocator(64, 16 * 1024, 256 * 1024);

  private final TcpProxy proxy;
  private final TcpProxyStats stats;
  private ChannelHandlerContext ctx;
  private Channel downstream;
  private Channel upstream;
  private Future<?> connecting;
  private UpstreamEndpoint endpoint;
  private ArrayDeque<ByteBuf> pending;
  private boolean started;
  private boolean upstreamReady;
  private boolean downstreamInputDone;
  private boolean upstreamInputDone;
  private boolean downstreamClosed;
  private boolean downstreamPaused;
  private long idleTimeoutNanos;
  private long lastActivityNanos;
  private ScheduledFuture<?> idleTimer;

  TcpProxyHandler(TcpProxy proxy) {
    this.proxy = proxy;
    this.stats = proxy.stats();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.downstream = ctx.channel();
    // Nothing more is read until the upstream can take it; ALLOW_HALF_CLOSURE turns the peer's FIN
    // into an event instead of a close.
    downstream.config().setAutoRead(false);
    downstream.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    tuneForRelay(downstream);
    if (downstream.isActive()) {
      start();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start();
  }

  private void start() {
    if (started) {
      return;
    }
    started = true;
    stats.downstreamCxTotal.inc();
    String clusterName = proxy.pickCluster();
    UpstreamCluster cluster = proxy.clusters().get(clusterName);
    if (cluster == null) {
      stats.downstreamCxNoRoute.inc();
      log.debug("{}: tcp_proxy cluster '{}' not found", downstream, clusterName);
      downstream.close();
      return;
    }
    UpstreamEndpoint picked = cluster.pick(proxy.random());
    if (picked == null) {
      cluster.stats().upstreamCxNone.inc();
      log.debug("{}: cluster '{}' has no endpoint", downstream, clusterName);
      downstream.close();
      return;
    }
    endpoint = picked;
    connect(cluster, picked);
  }

  /**
   * Connects through the shared upstream connector: the same socket options, TLS origination and
   * connect/handshake counters as the HTTP pools. The relay handler sits after the TLS handler.
   */
  private void connect(UpstreamCluster cluster, UpstreamEndpoint target) {
    connecting = UpstreamConnector.connect(downstream.eventLoop(), proxy.transport(), target, new UpstreamSide());
    connecting.addListener(f -> {
      connecting = null;
      if (f.isCancelled()) {
        return; // the client left first
      }
      if (!f.isSuccess()) {
        log.debug("{}: connect to {} of cluster '{}' failed: {}", downstream, target, cluster.name(),
            f.cause().toString());
        downstream.close();
        return;
      }
      upstream = (Channel) f.getNow();
      onUpstreamReady();
    });
  }

  private void onUpstreamReady() {
    if (downstreamClosed || !upstream.isActive()) {
      return;
    }
    upstreamReady = true;
    tuneForRelay(upstream);
    if (pending != null) {
      ByteBuf b;
      while ((b = pending.poll()) != null) {
        upstream.write(b, upstream.voidPromise());
      }
      pending = null;
    }
    upstream.flush();
    if (downstreamInputDone) {
      shutdownOutput(upstream);
    }
    updateDownstreamRead();
    updateUpstreamRead();
    idleTimeoutNanos = proxy.idleTimeoutNanos();
    if (idleTimeoutNanos > 0) {
      lastActivityNanos = now();
      idleTimer = ctx.executor().schedule(this::onIdleCheck, idleTimeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  // ---------------------------------------------------------------- downstream → upstream

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf) || downstreamClosed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    lastActivityNanos = now();
    stats.downstreamCxRxBytesTotal.add(buf.readableBytes());
    if (!upstreamReady) {
      if (pending == null) {
        pending = new ArrayDeque<>(2);
      }
      pending.add(buf);
      return;
    }
    upstream.write(buf, upstream.voidPromise());
    if (!upstream.isWritable()) {
      updateDownstreamRead();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (upstreamReady) {
      upstream.flush();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    updateUpstreamRead();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    // A TLS client ends its output with close_notify before its FIN; either means the same here.
    if (evt instanceof ChannelInputShutdownEvent || evt instanceof SslCloseCompletionEvent) {
      onDownstreamInputDone();
    }
  }

  private void onDownstreamInputDone() {
    if (downstreamInputDone) {
      return;
    }
    downstreamInputDone = true;
    updateDownstreamRead();
    if (upstreamReady) {
      shutdownOutput(upstream);
    }
    closeIfBothDone();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    downstreamClosed = true;
    cancelIdleTimer();
    releasePending();
    if (connecting != null) {
      connecting.cancel(false);
    }
    if (upstream != null) {
      // Envoy flushes what the client sent before it left, then closes.
      if (upstreamReady) {
        flushAndClose(upstream);
      } else {
        upstream.close();
      }
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("{}: downstream error: {}", downstream, cause.toString());
    ctx.close();
  }

  // ---------------------------------------------------------------- upstream → downstream

  /** The upstream channel's end of the relay. */
  private final class UpstreamSide extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext uctx, Object msg) {
      if (!(msg instanceof ByteBuf buf) || downstreamClosed) {
        ReferenceCountUtil.release(msg);
        return;
      }
      lastActivityNanos = now();
      stats.downstreamCxTxBytesTotal.add(buf.readableBytes());
      downstream.write(buf, downstream.voidPromise());
      if (!downstream.isWritable()) {
        updateUpstreamRead();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext uctx) {
      downstream.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext uctx) {
      updateDownstreamRead();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext uctx, Object evt) {
      if ((evt instanceof ChannelInputShutdownEvent || evt instanceof SslCloseCompletionEvent) && !upstreamInputDone) {
        upstreamInputDone = true;
        updateUpstreamRead();
        shutdownOutput(downstream);
        closeIfBothDone();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext uctx) {
      if (!downstreamClosed) {
        flushAndClose(downstream);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext uctx, Throwable cause) {
      log.debug("{}: upstream {} error: {}", downstream, endpoint, cause.toString());
      uctx.close();
    }
  }

  // ---------------------------------------------------------------- flow control and teardown

  /** Buffering for bulk relay on either side; see {@link #RELAY_WATER_MARK} and {@link #RELAY_READS}. */
  private static void tuneForRelay(Channel ch) {
    ch.config().setWriteBufferWaterMark(RELAY_WATER_MARK);
    ch.config().setRecvByteBufAllocator(RELAY_READS);
  }

  /** Downstream is read while the upstream is ready, writable and its input not finished. */
  private void updateDownstreamRead() {
    boolean want = upstreamReady && !downstreamInputDone && !downstreamClosed && upstream.isWritable();
    if (downstream.config().isAutoRead() != want) {
      downstream.config().setAutoRead(want);
      if (upstreamReady && !downstreamInputDone) {
        if (want && downstreamPaused) {
          downstreamPaused = false;
          stats.downstreamFlowControlResumedReadingTotal.inc();
        } else if (!want) {
          downstreamPaused = true;
          stats.downstreamFlowControlPausedReadingTotal.inc();
        }
      }
    }
  }

  private void updateUpstreamRead() {
    if (!upstreamReady) {
      return;
    }
    boolean want = !upstreamInputDone && downstream.isWritable();
    if (upstream.config().isAutoRead() != want) {
      upstream.config().setAutoRead(want);
    }
  }

  private void closeIfBothDone() {
    if (downstreamInputDone && upstreamInputDone) {
      flushAndClose(upstream);
      flushAndClose(downstream);
    }
  }

  /**
   * Ends a channel's output after what was written before: close_notify first on TLS, then the
   * FIN. Shutting the output down at once would drop writes still queued.
   */
  private static void shutdownOutput(Channel ch) {
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    ChannelFuture written = ssl != null ? ssl.closeOutbound() : ch.writeAndFlush(Unpooled.EMPTY_BUFFER);
    written.addListener(f -> {
      if (ch instanceof DuplexChannel duplex && ch.isActive()) {
        duplex.shutdownOutput();
      }
    });
  }

  private static void flushAndClose(Channel ch) {
    ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  private void onIdleCheck() {
    idleTimer = null;
    if (downstreamClosed) {
      return;
    }
    long idleFor = now() - lastActivityNanos;
    if (idleFor >= idleTimeoutNanos) {
      stats.idleTimeout.inc();
      log.debug("{}: idle for {} ms; closing", downstream, TimeUnit.NANOSECONDS.toMillis(idleFor));
      upstream.close();
      downstream.close();
      return;
    }
    idleTimer = ctx.executor().schedule(this::onIdleCheck, idleTimeoutNanos - idleFor, TimeUnit.NANOSECONDS);
  }

  private void cancelIdleTimer() {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
  }

  private void releasePending() {
    if (pending != null) {
      ByteBuf b;
      while ((b = pending.poll()) != null) {
        b.release();
      }
      pending = null;
    }
  }

  Channel downstreamChannel() {
    return downstream;
  }

  /** The upstream channel once connected, else null; read it on the event loop. */
  Channel upstreamChannel() {
    return upstream;
  }

  /** The event loop's clock. */
  private long now() {
    return ctx.executor().ticker().nanoTime();
  }
}
