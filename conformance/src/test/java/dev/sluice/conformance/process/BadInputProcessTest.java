package dev.sluice.conformance.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an operator sees when the proxy cannot start: one line on stderr that names the file, the
 * field and the offending value, an exit code a supervisor can act on (2: fix the configuration;
 * 1: bad usage or the environment, such as a port in use) and never a Java stack trace.
 */
final class BadInputProcessTest {
  private static final int INVALID_CONFIG = 2;
  private static final int FAILURE = 1;
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  static Stream<Arguments> badConfigurations() {
    return Stream.of(
        Arguments.of("malformed.yaml", List.of("malformed.yaml", "YAML", "line 7")),
        Arguments.of("unknown-field.yaml", List.of("unknown-field.yaml", "typed_config.no_such_field")),
        Arguments.of("unsupported-network-filter.yaml",
            List.of("unsupported-network-filter.yaml", "filters[0]", "envoy.filters.network.redis_proxy")),
        Arguments.of("unsupported-http-filter.yaml",
            List.of("unsupported-http-filter.yaml", "http_filters[0]", "envoy.filters.http.lua")),
        Arguments.of("unknown-cluster.yaml", List.of("unknown-cluster.yaml", "routes[0].route.cluster", "'nowhere'")),
        Arguments.of("duplicate-listener.yaml", List.of("duplicate-listener.yaml", "listeners[1].name", "'ingress'")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigurations")
  void invalidConfigurationExitsTwoWithOneErrorNamingFileFieldAndValue(String file, List<String> expected) {
    Path config = Bootstraps.write(dir, file);
    SluiceProcess.Result r = SluiceProcess.run(dir, EXIT_TIMEOUT, "run", "-c", config.toString());
    assertOneCleanError(r, INVALID_CONFIG, expected);
  }

  @Test
  void missingConfigFileExitsTwoNamingTheFile() {
    Path missing = dir.resolve("does-not-exist.yaml");
    SluiceProcess.Result r = SluiceProcess.run(dir, EXIT_TIMEOUT, "run", "-c", missing.toString());
    assertOneCleanError(r, INVALID_CONFIG, List.of(missing.toString(), "no such file"));
    assertThat(r.stderr()).as("an operator's message, not a Java exception's").doesNotContain("Exception");
  }

  @Test
  void listenerPortInUseExitsOneNamingTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      Path config = Bootstraps.write(dir, "listener-port.yaml", Map.of("PORT", taken.getLocalPort()));
      SluiceProcess.Result r = SluiceProcess.run(dir, EXIT_TIMEOUT, "run", "-c", config.toString());
      assertOneCleanError(r, FAILURE, List.of(address, "ingress"));
    }
  }

  @Test
  void unknownFlagExitsOne() {
    Path config = Bootstraps.write(dir, "good.yaml");
    SluiceProcess.Result r = SluiceProcess.run(dir, EXIT_TIMEOUT, "run", "-c", config.toString(), "--no-such-flag");
    assertOneCleanError(r, FAILURE, List.of("--no-such-flag"));
  }

  @Test
  void badLogLevelExitsOneNamingFlagAndValue() {
    Path config = Bootstraps.write(dir, "good.yaml");
    SluiceProcess.Result r = SluiceProcess.run(dir, EXIT_TIMEOUT, "run", "-c", config.toString(),
        "--log-level", "loud");
    assertOneCleanError(r, FAILURE, List.of("--log-level", "'loud'"));
  }

  /**
   * Exactly one stderr line carries the first fragment, and it carries the others too; nothing
   * on stdout; no stack trace. Start-up log lines may precede the error (port in use).
   */
  private static void assertOneCleanError(SluiceProcess.Result r, int exitCode, List<String> fragments) {
    String stderr = r.stderr();
    assertThat(r.exitCode()).as("exit code; stderr:\n%s", stderr).isEqualTo(exitCode);
    assertThat(stderr).doesNotContain("\tat ").doesNotContain("Exception in thread");
    assertThat(r.stdout()).as("stdout").isBlank();
    List<String> naming = new ArrayList<>();
    for (String line : stderr.split("\n")) {
      if (line.contains(fragments.get(0))) {
        naming.add(line);
      }
    }
    assertThat(naming).as("stderr lines naming %s in:\n%s", fragments.get(0), stderr).hasSize(1);
    for (String fragment : fragments) {
      assertThat(naming.get(0)).contains(fragment);
    }
  }
}
