package dev.sluice.xds.resource;

import dev.sluice.config.BootstrapConfig;
import java.util.Objects;
import java.util.Optional;

/** A decoded bootstrap: its static part, and the management server when it has dynamic resources. */
public record DecodedBootstrap(BootstrapConfig config, Optional<XdsServerConfig> xds) {
  public DecodedBootstrap {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(xds, "xds");
  }
}
