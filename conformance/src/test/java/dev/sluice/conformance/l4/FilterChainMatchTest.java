package dev.sluice.conformance.l4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.conformance.support.Await;
import dev.sluice.conformance.support.Ports;
import dev.sluice.conformance.support.ProxyFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code filter_chain_match} on what the kernel tells about a plaintext connection: the source
 * address ({@code source_prefix_ranges}, longest prefix first) and the destination port
 * ({@code destination_port}). Envoy narrows by destination port before anything else and never
 * goes back: once a chain names the connection's port, chains without a port are out even if that
 * chain then fails on its source range. Clients bind loopback addresses other than 127.0.0.1
 * (Linux routes all of 127/8 to lo).
 */
@Timeout(60)
final class FilterChainMatchTest {
  @TempDir
  static Path dir;
  static final List<AutoCloseable> TO_CLOSE = new ArrayList<>();
  static ProxyFixture proxy;
  /** The fixed port of listener "port": destination_port has to name it, so it cannot be 0. */
  static int fixedPort;

  @BeforeAll
  static void start() {
    List<String> clusters = new ArrayList<>();
    for (String name : List.of("wide", "narrow", "port")) {
      TcpBackend backend = TcpBackend.start(name, s -> Streams.writeText(s.getOutputStream(), name + "\n"));
      TO_CLOSE.add(backend);
      clusters.add(L4Yaml.cluster(name, backend.port()));
    }
    fixedPort = Ports.closed();
    String yaml = L4Yaml.ADMIN
        + "static_resources:\n"
        + "  listeners:\n"
        + "  - name: source\n"
        + "    address: { socket_address: { address: 127.0.0.1, port_value: 0 } }\n"
        + "    filter_chains:\n"
        + chain("wide", "source_prefix_ranges: [ { address_prefix: 127.0.0.0, prefix_len: 8 } ]")
        + chain("narrow", "source_prefix_ranges: [ { address_prefix: 127.0.0.2, prefix_len: 32 } ]")
        + "  - name: port\n"
        + "    address: { socket_address: { address: 127.0.0.1, port_value: " + fixedPort + " } }\n"
        + "    filter_chains:\n"
        + chain("port", "destination_port: " + fixedPort
            + ", source_prefix_ranges: [ { address_prefix: 127.0.0.3, prefix_len: 32 } ]")
        + chain("wide", "source_prefix_ranges: [ { address_prefix: 127.0.0.0, prefix_len: 8 } ]")
        + "  clusters:\n"
        + L4Yaml.indent(String.join("\n", clusters), 2);
    proxy = ProxyFixture.fromBootstrap(yaml, dir, "unused");
  }

  private static String chain(String cluster, String match) {
    return "    - filter_chain_match: { " + match + " }\n"
        + "      filters:\n"
        + "      " + L4Yaml.tcpProxy(cluster, cluster) + "\n";
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    for (AutoCloseable c : TO_CLOSE) {
      c.close();
    }
  }

  @ParameterizedTest(name = "from {1} to listener {0} -> {2}")
  @CsvSource({
      "source, 127.0.0.1, wide",
      "source, 127.0.0.2, narrow", // the /32 is more specific than the /8
      "source, 127.0.0.3, wide",
      "port, 127.0.0.3, port",
      "port, 127.0.0.1, -", // the port's chain wins the first step and then fails: no fallback to "wide"
  })
  void chainsAreChosenByDestinationPortThenSourceAddress(String listener, String from, String expected)
      throws IOException {
    InetAddress source = InetAddress.getByName(from);
    assumeTrue(bindable(source), "this system cannot use " + from + " as a loopback source address");
    // Listener stats are named after the configured address, as Envoy's are.
    String configuredCounter =
        "listener.127.0.0.1_" + (listener.equals("port") ? fixedPort : 0) + ".no_filter_chain_match";
    long unmatchedBefore = proxy.counter(configuredCounter);

    try (Socket c = new Socket()) {
      c.setSoTimeout(10_000);
      c.bind(new InetSocketAddress(source, 0));
      c.connect(proxy.address(listener), 5_000);
      if (expected.equals("-")) {
        assertThat(Streams.awaitPeerClose(c)).as("a connection no chain matches is closed").isIn("eof", "reset");
        Await.until(configuredCounter + " counts it", () -> proxy.counter(configuredCounter) == unmatchedBefore + 1);
      } else {
        assertThat(Streams.readText(c.getInputStream())).isEqualTo(expected + "\n");
        assertThat(proxy.counter(configuredCounter)).isEqualTo(unmatchedBefore);
      }
    }
  }

  private static boolean bindable(InetAddress address) {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(address, 0));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
