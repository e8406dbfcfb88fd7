package dev.sluice.conformance.tls;

import dev.sluice.tls.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes test certificates as PEM files, atomically, as a certificate rotation would. */
final class Pem {
  private Pem() {}

  /** Writes {@code issued}'s chain and key as {@code <name>.crt} and {@code <name>.key} in {@code dir}. */
  static Path[] write(Path dir, String name, TestPki.Issued issued) {
    Path cert = dir.resolve(name + ".crt");
    Path key = dir.resolve(name + ".key");
    replace(key, issued.keyPem());
    replace(cert, issued.certificatePem());
    return new Path[] {cert, key};
  }

  /** Writes a CA's certificate as {@code <name>.crt}. */
  static Path writeCa(Path dir, String name, TestPki.Issued ca) {
    Path cert = dir.resolve(name + ".crt");
    replace(cert, ca.certificatePem());
    return cert;
  }

  /** Replaces {@code file} by renaming a complete temporary file over it. */
  static void replace(Path file, String content) {
    try {
      Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      Files.writeString(tmp, content);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
