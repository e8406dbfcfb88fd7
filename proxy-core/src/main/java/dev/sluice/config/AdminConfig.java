package dev.sluice.config;

import java.util.Objects;

/** Where the admin interface listens. */
public record AdminConfig(SocketAddressConfig address) {
  public AdminConfig {
    Objects.requireNonNull(address, "address");
  }
}
