package dev.sluice.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.config.DataSource;
import dev.sluice.config.SecretConfig;
import dev.sluice.xds.bootstrap.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Polling an SDS file: polls are driven by the test, the scheduled ones are an hour apart. */
class FileSecretSourceTest {
  private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
  private final List<Map<String, SecretConfig>> updates = new CopyOnWriteArrayList<>();

  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    poller.shutdownNow();
  }

  private static String secretFile(String name, String chain) {
    return """
        resources:
        - "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret
          name: %s
          tls_certificate:
            certificate_chain: {inline_string: "%s"}
            private_key: {inline_string: "key"}
        """.formatted(name, chain);
  }

  private FileSecretSource start(Path file) throws ConfigException {
    return FileSecretSource.start(file, updates::add, poller, Duration.ofHours(1));
  }

  /** Replaces {@code file} the way a rotation does: a new file moved over the old one. */
  private void replace(Path file, String text) throws Exception {
    Path tmp = Files.createTempFile(dir, "next", ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void theFirstReadIsDeliveredBeforeStartReturns() throws Exception {
    Path file = dir.resolve("sds.yaml");
    Files.writeString(file, secretFile("server", "one"));
    try (FileSecretSource source = start(file)) {
      assertThat(updates).hasSize(1);
      assertThat(updates.get(0)).containsOnlyKeys("server");
      assertThat(source.secrets()).isEqualTo(updates.get(0));
    }
  }

  @Test
  void aMovedOverFileIsDeliveredAndAnUnchangedOneIsNot() throws Exception {
    Path file = dir.resolve("sds.yaml");
    Files.writeString(file, secretFile("server", "one"));
    try (FileSecretSource source = start(file)) {
      source.poll();
      assertThat(updates).hasSize(1);
      replace(file, secretFile("server", "two"));
      source.poll();
      assertThat(updates).hasSize(2);
      assertThat(updates.get(1).get("server").tlsCertificate().certificateChain())
          .isEqualTo(new DataSource.InlineString("two"));
      // The same content moved over again: a new inode, the same secrets.
      replace(file, secretFile("server", "two"));
      source.poll();
      assertThat(updates).hasSize(2);
    }
  }

  @Test
  void aBadNewFileKeepsTheLastGoodSecrets() throws Exception {
    Path file = dir.resolve("sds.yaml");
    Files.writeString(file, secretFile("server", "one"));
    try (FileSecretSource source = start(file)) {
      Map<String, SecretConfig> good = source.secrets();
      replace(file, "resources: [");
      source.poll();
      Files.delete(file);
      source.poll();
      assertThat(updates).hasSize(1);
      assertThat(source.secrets()).isEqualTo(good);
      replace(file, secretFile("server", "three"));
      source.poll();
      assertThat(updates).hasSize(2);
    }
  }

  @Test
  void aFileThatCannotBeReadAtStartFails() {
    Path file = dir.resolve("missing.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> start(file));
    assertThat(e.errors()).containsExactly(file + ": cannot read the file: no such file");
    assertThat(updates).isEmpty();
  }

  @Test
  void closedSourcesStopPolling() throws Exception {
    Path file = dir.resolve("sds.yaml");
    Files.writeString(file, secretFile("server", "one"));
    FileSecretSource source = start(file);
    source.close();
    replace(file, secretFile("server", "two"));
    source.poll();
    assertThat(updates).hasSize(1);
  }
}
