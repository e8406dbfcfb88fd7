package dev.sluice.listener.filter;

import io.netty.channel.Channel;

/**
 * The terminal network filter of a filter chain (HTTP connection manager, TCP proxy), built once
 * per chain and shared by the chain's connections.
 */
public interface TerminalFilter {

  /**
   * Takes over a connection the chain was selected for: adds this filter's handlers at the end of
   * the pipeline. Called on the connection's event loop, after the TLS handshake on a chain that
   * terminates TLS, possibly after the connection became active and with bytes already read.
   *
   * @param tls the handshake's outcome, or {@code null} on a plaintext chain
   */
  void install(Channel channel, TlsConnectionInfo tls);

  /** The listener drains: new connections close early, existing ones when idle (as the filter defines). */
  default void startDraining() {}
}
