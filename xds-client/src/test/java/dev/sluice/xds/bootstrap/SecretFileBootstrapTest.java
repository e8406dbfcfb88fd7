package dev.sluice.xds.bootstrap;

import static dev.sluice.xds.bootstrap.BootstrapErrorsTest.errors;
import static dev.sluice.xds.bootstrap.TlsBootstrapTest.downstream;
import static dev.sluice.xds.bootstrap.TlsBootstrapTest.listener;
import static dev.sluice.xds.bootstrap.TlsBootstrapTest.withListener;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.DataSource;
import dev.sluice.config.SecretConfig;
import dev.sluice.config.TlsCertificateConfig;
import dev.sluice.xds.resource.SecretFileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sds_config} with {@code path_config_source} or {@code path} in a bootstrap. */
class SecretFileBootstrapTest {
  private static final String COMMON = "test.yaml: static_resources.listeners[0].filter_chains[0].transport_socket"
      + ".typed_config.common_tls_context";
  private static final String SDS = COMMON + ".tls_certificate_sds_secret_configs[0]";

  @TempDir
  Path dir;

  static String secretFile(String... names) {
    StringBuilder y = new StringBuilder("version_info: \"1\"\nresources:\n");
    for (String name : names) {
      y.append("""
          - "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret
            name: %s
            tls_certificate:
              certificate_chain: {filename: /certs/%s.pem}
              private_key: {filename: /certs/%s.key}
          """.formatted(name, name, name));
    }
    return y.toString();
  }

  private String bootstrap(String sdsConfig) {
    return withListener(listener(downstream("""
        common_tls_context:
          tls_certificate_sds_secret_configs:
          - name: server
            sds_config: %s
        """.formatted(sdsConfig))));
  }

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void aPathConfigSourceIsReadAtLoadAndReportedAsASecretFile() throws Exception {
    Path file = write("sds.yaml", secretFile("server", "other"));
    String yaml = bootstrap("{path_config_source: {path: " + file + "}}");
    LoadedBootstrap loaded = BootstrapLoader.parse(yaml, "test.yaml");
    assertThat(loaded.config().secrets()).isEmpty();
    // Only the referenced name: the file's other secrets stay out of the shared namespace.
    assertThat(loaded.config().secretFiles()).isEqualTo(Map.of(file.toString(), Set.of("server")));
  }

  @Test
  void theOlderPathFieldAndJsonFilesWork() throws Exception {
    Path file = write("sds.json", """
        {"resources": [{"@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret",
          "name": "server", "tls_certificate": {"certificate_chain": {"inline_string": "x"},
          "private_key": {"inline_string": "y"}}}]}
        """);
    LoadedBootstrap loaded = BootstrapLoader.parse(bootstrap("{path: " + file + "}"), "test.yaml");
    assertThat(loaded.config().secretFiles()).isEqualTo(Map.of(file.toString(), Set.of("server")));
  }

  @Test
  void aMissingFileRejectsTheBootstrap() {
    Path file = dir.resolve("missing.yaml");
    assertThat(errors(bootstrap("{path_config_source: {path: " + file + "}}"))).containsExactly(
        SDS + ".sds_config.path_config_source.path: cannot use the secret file: " + file
            + ": cannot read the file: no such file");
  }

  @Test
  void anUnparsableFileRejectsTheBootstrapWithTheLine() throws Exception {
    Path file = write("sds.yaml", "resources:\n- name: [unclosed\n");
    assertThat(errors(bootstrap("{path_config_source: {path: " + file + "}}"))).singleElement().asString()
        .startsWith(SDS + ".sds_config.path_config_source.path: cannot use the secret file: " + file
            + ": malformed YAML")
        .contains("line 3");
  }

  @Test
  void aFileWithAnInvalidSecretRejectsTheBootstrap() throws Exception {
    Path file = write("sds.yaml", """
        resources:
        - "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret
          name: server
          tls_certificate: {certificate_chain: {filename: /c.pem}}
        - "@type": type.googleapis.com/envoy.config.cluster.v3.Cluster
          name: nope
        """);
    assertThat(errors(bootstrap("{path_config_source: {path: " + file + "}}"))).containsExactly(
        SDS + ".sds_config.path_config_source.path: cannot use the secret file: "
            + file + ": resources[0].tls_certificate.private_key: is required; "
            + file + ": resources[1]: a secret file holds only"
            + " type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret resources"
            + " (got type.googleapis.com/envoy.config.cluster.v3.Cluster)");
  }

  @Test
  void aFileWithoutTheNamedSecretRejectsTheBootstrap() throws Exception {
    Path file = write("sds.yaml", secretFile("other"));
    assertThat(errors(bootstrap("{path_config_source: {path: " + file + "}}"))).containsExactly(
        SDS + ".name: secret file " + file + " has no secret named 'server' (it holds: [other])");
  }

  @Test
  void anEmptyPathIsRequired() {
    assertThat(errors(bootstrap("{path_config_source: {path: \"\"}}"))).containsExactly(
        SDS + ".sds_config.path_config_source.path: is required: the file holding the secret (a DiscoveryResponse)");
  }

  @Test
  void aFileSecretCannotTakeAStaticSecretsName() throws Exception {
    Path file = write("sds.yaml", secretFile("server"));
    String yaml = bootstrap("{path_config_source: {path: " + file + "}}").replace("static_resources:\n", """
        static_resources:
          secrets:
          - name: server
            tls_certificate:
              certificate_chain: {filename: /c.pem}
              private_key: {filename: /k.pem}
        """);
    assertThat(errors(yaml)).containsExactly(SDS + ".name: secret 'server' is a static secret"
        + " (static_resources.secrets) and is also to be read from " + file + "; give one of them another name");
  }

  @Test
  void oneNameCannotComeFromTwoFiles() throws Exception {
    Path a = write("a.yaml", secretFile("server"));
    Path b = write("b.yaml", secretFile("server"));
    String yaml = withListener(listener(downstream("""
        common_tls_context:
          tls_certificate_sds_secret_configs:
          - {name: server, sds_config: {path_config_source: {path: %s}}}
          validation_context_sds_secret_config: {name: server, sds_config: {path: %s}}
        """.formatted(a, b))));
    assertThat(errors(yaml)).contains(COMMON + ".validation_context_sds_secret_config.name: secret 'server' is to be"
        + " read from " + b + " here and from " + a + " elsewhere; give one of them another name");
  }

  @Test
  void theLoaderDecodesEverySecretOfAFile() throws Exception {
    Path file = write("sds.yaml", secretFile("a", "b"));
    SecretFileReader.Result result = SecretFileLoader.read(file);
    assertThat(result.errors()).isEmpty();
    assertThat(result.secrets()).containsOnlyKeys("a", "b");
    assertThat(result.secrets().get("a")).isEqualTo(new SecretConfig("a", new TlsCertificateConfig.Static(
        new DataSource.Filename("/certs/a.pem"), new DataSource.Filename("/certs/a.key")), null));
  }
}
