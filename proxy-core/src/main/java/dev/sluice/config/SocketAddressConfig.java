package dev.sluice.config;

import java.util.Objects;

/** A host (IP literal or DNS name) and a TCP port; port 0 means "any free port". */
public record SocketAddressConfig(String host, int port) {
  public SocketAddressConfig {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("address must not be empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 0..65535");
    }
  }

  @Override
  public String toString() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }
}
