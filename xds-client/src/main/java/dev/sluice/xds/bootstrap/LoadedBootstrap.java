package dev.sluice.xds.bootstrap;

import dev.sluice.config.BootstrapConfig;
import java.util.Objects;

/**
 * A decoded bootstrap, plus the Envoy-format JSON of the bootstrap as loaded (after any
 * {@code --config-yaml} merge), which the admin interface serves in {@code /config_dump}.
 */
public record LoadedBootstrap(BootstrapConfig config, String configDumpJson) {
  public LoadedBootstrap {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(configDumpJson, "configDumpJson");
  }
}
