package dev.sluice.conformance.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Bootstrap files from {@code src/test/resources/process/}, with {@code ${NAME}} placeholders filled in. */
final class Bootstraps {
  private Bootstraps() {}

  /** Copies resource {@code name} into {@code dir} under the same name, substituting {@code values}. */
  static Path write(Path dir, String name, Map<String, ?> values) {
    String text;
    try (InputStream in = Bootstraps.class.getResourceAsStream("/process/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource process/" + name);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Map.Entry<String, ?> e : values.entrySet()) {
      text = text.replace("${" + e.getKey() + "}", String.valueOf(e.getValue()));
    }
    if (text.contains("${")) {
      throw new IllegalArgumentException("process/" + name + " has a placeholder left unfilled: " + text);
    }
    Path file = dir.resolve(name);
    try {
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path dir, String name) {
    return write(dir, name, Map.of());
  }

  /** The usual proxy: listener {@code ingress} (stat prefix {@code ingress_http}) routing all to cluster {@code backend}. */
  static Path proxy(Path dir, Backend backend) {
    return write(dir, "proxy.yaml", Map.of("BACKEND_PORT", backend.port()));
  }
}
