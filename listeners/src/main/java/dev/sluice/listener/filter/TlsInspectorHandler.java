package dev.sluice.listener.filter;

import dev.sluice.stats.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's {@code tls_inspector} listener filter: waits for the first bytes of a connection, reads
 * SNI and ALPN from a ClientHello without consuming it, hands the result to the listener (which
 * selects the filter chain and installs its handlers after this one) and leaves the pipeline; the
 * bytes it held are then replayed to those handlers, so a TLS engine or an upstream sees the
 * ClientHello intact. Bytes that are not a ClientHello mean transport {@code raw_buffer}.
 *
 * <p>A connection that sends too little to decide within the listener-filter timeout (Envoy's
 * {@code listener_filters_timeout}, 15 s by default) is closed, as Envoy does unless
 * {@code continue_on_listener_filters_timeout} is set.
 */
public final class TlsInspectorHandler extends SslClientHelloHandler<ClientHello> {
  private static final Logger log = LoggerFactory.getLogger(TlsInspectorHandler.class);

  /** Continues a connection once its first bytes were inspected; runs on the connection's event loop. */
  @FunctionalInterface
  public interface Continuation {
    /**
     * @param hello the ClientHello, or {@code null} when the connection does not speak TLS
     */
    void onInspected(Channel channel, ClientHello hello);
  }

  private final TlsInspectorStats stats;
  private final long timeoutMillis;
  private final Counter timeouts;
  private final Continuation continuation;
  private ScheduledFuture<?> timer;
  private boolean inspected;

  /**
   * @param timeouts counted when the timeout closes a connection ({@code listener.<address>.downstream_pre_cx_timeout})
   */
  public TlsInspectorHandler(TlsInspectorStats stats, long timeoutMillis, Counter timeouts, Continuation continuation) {
    this.stats = stats;
    this.timeoutMillis = timeoutMillis;
    this.timeouts = timeouts;
    this.continuation = continuation;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (timeoutMillis > 0) {
      timer = ctx.executor().schedule(() -> onTimeout(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void onTimeout(ChannelHandlerContext ctx) {
    if (!inspected && ctx.channel().isOpen()) {
      timeouts.inc();
      log.debug("{}: no ClientHello or plaintext within {} ms; closing", ctx.channel(), timeoutMillis);
      ctx.close();
    }
  }

  @Override
  protected Future<ClientHello> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) {
    return ctx.executor().newSucceededFuture(clientHello == null ? null : ClientHello.parse(clientHello));
  }

  @Override
  protected void onLookupComplete(ChannelHandlerContext ctx, Future<ClientHello> future) {
    inspected = true;
    cancelTimer();
    ClientHello hello = future.getNow();
    stats.inspected(hello);
    continuation.onInspected(ctx.channel(), hello);
    ctx.pipeline().remove(this);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    cancelTimer();
    super.handlerRemoved0(ctx);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The base class has closed the connection already for an oversized hello or a bad record.
    if (cause instanceof TooLongFrameException || cause.getCause() instanceof TooLongFrameException) {
      stats.clientHelloTooLarge.inc();
    }
    log.debug("{}: TLS inspection failed: {}", ctx.channel(), cause.toString());
    ctx.close();
  }
}
