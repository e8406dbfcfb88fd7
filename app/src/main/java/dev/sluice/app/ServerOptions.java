package dev.sluice.app;

import java.time.Duration;
import java.util.Map;

/**
 * How a server is run, apart from its configuration: event loops, drain time, the configuration
 * as JSON for {@code /config_dump}, the command line shown by {@code /server_info}, and whether
 * start-up waits for dynamic configuration before the server reports LIVE.
 */
public record ServerOptions(
    int concurrency,
    Duration drainTime,
    String configDumpJson,
    Map<String, Object> commandLine,
    boolean awaitsDynamicConfig) {

  public ServerOptions(int concurrency, Duration drainTime, String configDumpJson, Map<String, Object> commandLine) {
    this(concurrency, drainTime, configDumpJson, commandLine, false);
  }

  public static ServerOptions defaults(String configDumpJson) {
    return new ServerOptions(Runtime.getRuntime().availableProcessors(), RunOptions.DEFAULT_DRAIN_TIME,
        configDumpJson, Map.of(), false);
  }
}
