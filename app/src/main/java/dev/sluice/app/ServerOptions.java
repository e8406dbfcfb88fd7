package dev.sluice.app;

import java.time.Duration;
import java.util.Map;

/**
 * How a server is run, apart from its configuration: event loops, drain time, the configuration
 * as JSON for {@code /config_dump}, and the command line shown by {@code /server_info}.
 */
public record ServerOptions(int concurrency, Duration drainTime, String configDumpJson, Map<String, Object> commandLine) {
  public static ServerOptions defaults(String configDumpJson) {
    return new ServerOptions(Runtime.getRuntime().availableProcessors(), RunOptions.DEFAULT_DRAIN_TIME,
        configDumpJson, Map.of());
  }
}
