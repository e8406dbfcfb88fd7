package dev.sluice.config;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Envoy's {@code config.core.v3.DataSource} as used by TLS: a file path, or PEM carried inline.
 * {@link #describe()} and {@code toString()} never reveal inline content, because a data source
 * may hold a private key and both end up in logs and NACK messages.
 */
public sealed interface DataSource {

  /** Where the data comes from, safe to log: {@code file /etc/certs/key.pem} or {@code inline string (241 bytes)}. */
  String describe();

  /** Envoy's {@code filename}: read from the file system (and watched for changes by the tls module). */
  record Filename(String path) implements DataSource {
    public Filename {
      Objects.requireNonNull(path, "path");
      if (path.isBlank()) {
        throw new IllegalArgumentException("filename must not be empty");
      }
    }

    @Override
    public String describe() {
      return "file " + path;
    }
  }

  /** Envoy's {@code inline_string}. */
  record InlineString(String value) implements DataSource {
    public InlineString {
      Objects.requireNonNull(value, "value");
      if (value.isEmpty()) {
        throw new IllegalArgumentException("inline_string must not be empty");
      }
    }

    @Override
    public String describe() {
      return "inline string (" + value.getBytes(StandardCharsets.UTF_8).length + " bytes)";
    }

    @Override
    public String toString() {
      return "InlineString[" + describe() + "]";
    }
  }

  /** Envoy's {@code inline_bytes} (what Istio's SDS server sends). Holds a private copy. */
  record InlineBytes(byte[] value) implements DataSource {
    public InlineBytes {
      Objects.requireNonNull(value, "value");
      if (value.length == 0) {
        throw new IllegalArgumentException("inline_bytes must not be empty");
      }
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public String describe() {
      return "inline bytes (" + value.length + " bytes)";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof InlineBytes other && Arrays.equals(other.value, value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "InlineBytes[" + describe() + "]";
    }
  }
}
