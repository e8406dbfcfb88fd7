package dev.sluice.config;

import java.util.Objects;

/**
 * One filter chain of a listener: which connections it serves, whether it terminates TLS, and the
 * terminal network filter.
 *
 * @param tls the chain's {@code transport_socket} (Envoy's {@code DownstreamTlsContext}), or
 *     {@code null} for plaintext (including TLS passed through undecrypted to a TCP proxy)
 */
public record FilterChainConfig(String name, FilterChainMatchConfig match, DownstreamTlsConfig tls,
    NetworkFilterConfig terminalFilter) {
  public FilterChainConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(match, "filter_chain_match");
    Objects.requireNonNull(terminalFilter, "terminalFilter");
  }

  /** A plaintext chain serving every connection. */
  public FilterChainConfig(String name, NetworkFilterConfig terminalFilter) {
    this(name, FilterChainMatchConfig.ANY, null, terminalFilter);
  }

  /** This chain with another terminal filter. */
  public FilterChainConfig withTerminalFilter(NetworkFilterConfig filter) {
    return new FilterChainConfig(name, match, tls, filter);
  }
}
