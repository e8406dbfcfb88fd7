package dev.sluice.xds.bootstrap;

import dev.sluice.config.BootstrapConfig;
import dev.sluice.xds.resource.XdsServerConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoded bootstrap, the Envoy-format JSON of the bootstrap as loaded (after any
 * {@code --config-yaml} merge), which the admin interface serves in {@code /config_dump}, and the
 * management server named by {@code dynamic_resources}, when there is one.
 */
public record LoadedBootstrap(BootstrapConfig config, String configDumpJson, Optional<XdsServerConfig> xds) {
  public LoadedBootstrap {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(configDumpJson, "configDumpJson");
    Objects.requireNonNull(xds, "xds");
  }

  /** A bootstrap with static resources only. */
  public LoadedBootstrap(BootstrapConfig config, String configDumpJson) {
    this(config, configDumpJson, Optional.empty());
  }
}
