package dev.sluice.listener;

import dev.sluice.config.FilterChainConfig;
import dev.sluice.listener.filter.TerminalFilter;
import dev.sluice.tls.RotatingTlsContext;
import dev.sluice.tls.TlsSnapshot;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One filter chain of a built listener: its TLS context when it terminates TLS (one per chain,
 * created with the listener and closed when the listener is retired) and its terminal filter.
 */
final class FilterChain {
  private static final Logger log = LoggerFactory.getLogger(FilterChain.class);

  final FilterChainConfig config;
  /** Null on a plaintext chain (which includes TLS passed through to a TCP proxy). */
  final RotatingTlsContext tls;
  final TerminalFilter filter;

  FilterChain(FilterChainConfig config, RotatingTlsContext tls, TerminalFilter filter) {
    this.config = config;
    this.tls = tls;
    this.filter = filter;
  }

  String name() {
    return config.name();
  }

  /** Hands a connection to this chain: the TLS handshake first if the chain terminates TLS. */
  void install(Channel ch, ListenerStats stats) {
    if (tls == null) {
      filter.install(ch, null);
      return;
    }
    TlsSnapshot snapshot = tls.current();
    if (snapshot == null) {
      // Warming keeps a listener from accepting before its contexts are ready; this is a safety net.
      stats.sslConnectionError.inc();
      log.debug("{}: chain '{}' has no certificate yet; closing", ch, name());
      ch.close();
      return;
    }
    SslHandler ssl = snapshot.newHandler(ch.alloc());
    ch.pipeline().addLast("ssl", ssl);
    ch.pipeline().addLast("tls-handshake", new DownstreamTlsHandler(this, ssl, snapshot.localUriSans(), stats));
  }
}
