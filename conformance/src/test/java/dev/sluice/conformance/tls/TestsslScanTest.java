package dev.sluice.conformance.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.conformance.support.ProxyFixture;
import dev.sluice.tls.TestPki;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * testssl.sh (the Debian package {@code testssl.sh}, command {@code testssl}) against a listener
 * terminating TLS with Sluice's default {@code tls_params}: no protocol below TLS 1.2 and no weak
 * cipher category may be offered. Without testssl installed the test is skipped, unless
 * {@code SLUICE_REQUIRE_TESTSSL=1} (CI sets it and installs the package).
 */
@Timeout(360)
class TestsslScanTest {
  private static final Pattern FINDING =
      Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"[^}]*?\"finding\"\\s*:\\s*\"([^\"]*)\"");
  private static final List<String> MUST_NOT_BE_OFFERED = List.of("SSLv2", "SSLv3", "TLS1", "TLS1_1",
      "cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW", "cipherlist_3DES_IDEA",
      // testssl 3.0 reports obsolete CBC suites under this id.
      "cipherlist_AVERAGE");

  @TempDir
  Path dir;

  @Test
  void noProtocolBelowTls12AndNoWeakCiphers() throws Exception {
    String testssl = findOnPath("testssl");
    if (!"1".equals(System.getenv("SLUICE_REQUIRE_TESTSSL"))) {
      assumeTrue(testssl != null, "testssl is not installed (apt-get install testssl.sh)");
    }
    assertThat(testssl).as("testssl on PATH (apt-get install testssl.sh)").isNotNull();
    Path[] files = Pem.write(dir, "scan", TestPki.leaf(TestPki.ca("scan-ca"), "scan", List.of(), List.of("scan.test")));
    try (ProxyFixture proxy = ProxyFixture.fromBootstrap("""
        static_resources:
          listeners:
          - name: scan
            address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
            filter_chains:
            - transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  common_tls_context:
                    alpn_protocols: [h2, http/1.1]
                    tls_certificates:
                    - certificate_chain: { filename: %s }
                      private_key: { filename: %s }
              filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: scan
                  route_config:
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                      - match: { prefix: / }
                        direct_response: { status: 200, body: { inline_string: "scanned" } }
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        """.formatted(files[0], files[1]), dir, "scan")) {
      Path json = dir.resolve("scan.json");
      Path log = dir.resolve("scan.txt");
      Process scan = new ProcessBuilder(testssl, "--quiet", "--color", "0", "--warnings", "off", "--sneaky",
          "--ip", "one", "--protocols", "--std", "--jsonfile", json.toString(),
          "127.0.0.1:" + proxy.address("scan").getPort())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      if (!scan.waitFor(300, TimeUnit.SECONDS)) {
        scan.destroyForcibly();
        throw new AssertionError("testssl did not finish within 300 s:\n" + Files.readString(log));
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      System.out.println(output);
      Map<String, String> findings = new LinkedHashMap<>();
      Matcher m = FINDING.matcher(Files.readString(json, StandardCharsets.UTF_8));
      while (m.find()) {
        findings.put(m.group(1), m.group(2));
      }

      for (String id : MUST_NOT_BE_OFFERED) {
        assertThat(findings).as("testssl finding %s\n%s", id, output).containsKey(id);
        assertThat(findings.get(id)).as("testssl finding %s", id).startsWith("not offered");
      }
      assertThat(findings.get("TLS1_2")).as("TLS 1.2").startsWith("offered");
      assertThat(findings.get("TLS1_3")).as("TLS 1.3").startsWith("offered");
      assertThat(findings.get("cipherlist_STRONG")).as("AEAD ciphers").startsWith("offered");
    }
  }

  private static String findOnPath(String command) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(directory, command);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
