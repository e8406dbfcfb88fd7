package dev.sluice.config;

import java.util.Objects;

/** One filter chain of a listener and the terminal network filter that serves it. */
public record FilterChainConfig(String name, NetworkFilterConfig terminalFilter) {
  public FilterChainConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(terminalFilter, "terminalFilter");
  }

  /** This chain with another terminal filter. */
  public FilterChainConfig withTerminalFilter(NetworkFilterConfig filter) {
    return new FilterChainConfig(name, filter);
  }
}
