package dev.sluice.conformance.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.tls.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice validate -c FILE} is what a CI job or a config push runs before a rollout: 0 and
 * a one-line summary, or 2 and every error, each with its field path, so that one run is enough
 * to fix a file.
 */
final class ValidateProcessTest {
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void validFileExitsZeroWithAOneLineSummary() {
    Path config = Bootstraps.write(dir, "good.yaml");
    SluiceProcess.Result r = SluiceProcess.run(dir, EXIT_TIMEOUT, "validate", "-c", config.toString());

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    List<String> lines = r.stdout().lines().toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("good.yaml").contains("1 listener").contains("1 cluster");
    assertThat(r.stderr()).isBlank();
  }

  @Test
  void twoErrorsWhileReadingAreBothListedWithTheirFieldPaths() {
    Path config = Bootstraps.write(dir, "two-parse-errors.yaml");
    SluiceProcess.Result r = SluiceProcess.run(dir, EXIT_TIMEOUT, "validate", "-c", config.toString());

    assertEveryError(r,
        "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.no_such_field",
        "static_resources.clusters[0].lb_policy");
    assertThat(r.stderr()).contains("NO_SUCH_POLICY");
  }

  @Test
  void twoReferenceErrorsAreBothListedWithTheirFieldPaths() {
    Path config = Bootstraps.write(dir, "two-reference-errors.yaml");
    SluiceProcess.Result r = SluiceProcess.run(dir, EXIT_TIMEOUT, "validate", "-c", config.toString());

    String route = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config"
        + ".virtual_hosts[0].routes[%d].route.cluster";
    assertEveryError(r, String.format(route, 0), String.format(route, 1));
    assertThat(r.stderr()).contains("'nowhere'").contains("'elsewhere'");
  }

  @Test
  void modeValidateOnRunIsTheSameAsValidate() {
    Path config = Bootstraps.write(dir, "two-reference-errors.yaml");
    SluiceProcess.Result r = SluiceProcess.run(dir, EXIT_TIMEOUT, "-c", config.toString(), "--mode", "validate");

    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
    assertThat(r.stderr()).contains("'nowhere'").contains("'elsewhere'");
  }

  @Test
  void tlsMaterialThatCannotBeUsedIsAnErrorNamingWhereItIsConfigured() throws Exception {
    TestPki.Issued ca = TestPki.ca("validate-ca");
    TestPki.Issued one = TestPki.leaf(ca, "one", List.of(), List.of("one.test"));
    TestPki.Issued two = TestPki.leaf(ca, "two", List.of(), List.of("two.test"));
    Path cert = Files.writeString(dir.resolve("one.crt"), one.certificatePem());
    Path otherKey = Files.writeString(dir.resolve("two.key"), two.keyPem());
    Path config = Files.writeString(dir.resolve("tls.yaml"), """
        static_resources:
          listeners:
          - name: secure
            address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
            filter_chains:
            - name: https
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  common_tls_context:
                    tls_certificates:
                    - certificate_chain: { filename: %s }
                      private_key: { filename: %s }
              filters:
              - name: envoy.filters.network.tcp_proxy
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                  stat_prefix: secure
                  cluster: backend
          clusters:
          - name: backend
            type: STATIC
            load_assignment:
              cluster_name: backend
              endpoints:
              - lb_endpoints:
                - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 9 } } }
        """.formatted(cert, otherKey));

    SluiceProcess.Result r = SluiceProcess.run(dir, EXIT_TIMEOUT, "validate", "-c", config.toString());

    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
    assertThat(r.stderr()).contains("listener 'secure': filter chain 'https'").contains(otherKey.toString())
        .contains("does not match").doesNotContain("\tat ");
  }

  /** Exit 2, each field path on its own stderr line, and no stack trace. */
  private static void assertEveryError(SluiceProcess.Result r, String... fieldPaths) {
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(2);
    assertThat(r.stderr()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    List<String> lines = r.stderr().lines().toList();
    for (String path : fieldPaths) {
      assertThat(lines).as("a line naming %s", path).filteredOn(l -> l.contains(path + ":")).hasSize(1);
    }
    assertThat(Arrays.stream(fieldPaths).distinct().count()).isEqualTo(fieldPaths.length);
  }
}
