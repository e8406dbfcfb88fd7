package dev.sluice.listener;

import dev.sluice.listener.filter.TlsConnectionInfo;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits for the downstream TLS handshake of a terminating chain, counts its outcome, and then
 * makes way for the chain's terminal filter, which learns the ALPN protocol and the peer.
 * SslHandler reports success before it passes on any decrypted byte, so the filter is in place
 * for the first one.
 */
final class DownstreamTlsHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(DownstreamTlsHandler.class);

  private final FilterChain chain;
  private final SslHandler ssl;
  private final List<String> localUriSans;
  private final ListenerStats stats;

  DownstreamTlsHandler(FilterChain chain, SslHandler ssl, List<String> localUriSans, ListenerStats stats) {
    this.chain = chain;
    this.ssl = ssl;
    this.localUriSans = localUriSans;
    this.stats = stats;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof SslHandshakeCompletionEvent done)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    if (done.isSuccess()) {
      stats.sslHandshake.inc();
      TlsConnectionInfo info = new TlsConnectionInfo(ssl.applicationProtocol(), ssl.engine().getSession(), localUriSans);
      ctx.pipeline().remove(this);
      chain.filter.install(ctx.channel(), info);
    } else {
      stats.handshakeFailed(done.cause());
      log.debug("{}: TLS handshake on chain '{}' failed: {}", ctx.channel(), chain.name(), done.cause().toString());
      ctx.close();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A failed handshake arrives here as well; it was counted with its completion event.
    log.debug("{}: error before the TLS handshake completed: {}", ctx.channel(), cause.toString());
    ctx.close();
  }
}
