package dev.sluice.xds.resource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A TLS context's reference to a secret through an {@code SdsSecretConfig}, with the path of its
 * {@code name}. Without {@code sds_config} the secret is one of the bootstrap's
 * {@code static_resources.secrets}; with {@code sds_config: {ads: {}}} it is fetched over the ADS
 * stream, and what references it warms until it arrives or {@code initialFetchTimeout} passes
 * ({@link Duration#ZERO}: no limit); with {@code sds_config: {path_config_source: {path: ...}}}
 * (or the older {@code path}) it is read from {@code file}, which is watched.
 */
public record SecretReference(String path, String name, Kind kind, boolean ads, Duration initialFetchTimeout,
    Optional<FileSource> file) {

  /** What the secret must hold. */
  public enum Kind {
    /** {@code tls_certificate_sds_secret_configs}: a {@code tls_certificate}. */
    TLS_CERTIFICATE,
    /** {@code validation_context_sds_secret_config}: a {@code validation_context} with a trusted CA. */
    VALIDATION_CONTEXT
  }

  /**
   * An SDS file source: the file (absolute, normalised, so that two spellings of one file are one
   * source) and the path of the field that names it.
   */
  public record FileSource(String path, Path file) {
    public FileSource {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(file, "file");
    }
  }

  public SecretReference {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(initialFetchTimeout, "initialFetchTimeout");
    Objects.requireNonNull(file, "file");
    if (ads && file.isPresent()) {
      throw new IllegalArgumentException("a secret comes over ADS or from a file, not both");
    }
  }

  /** A reference to a static secret ({@code ads} false) or to one fetched over ADS. */
  public SecretReference(String path, String name, Kind kind, boolean ads, Duration initialFetchTimeout) {
    this(path, name, kind, ads, initialFetchTimeout, Optional.empty());
  }

  /** A reference to a secret read from a file. */
  public static SecretReference fromFile(String path, String name, Kind kind, FileSource file) {
    return new SecretReference(path, name, kind, false, Duration.ZERO, Optional.of(file));
  }

  /** True for a static secret of the bootstrap: neither over ADS nor from a file. */
  public boolean isStatic() {
    return !ads && file.isEmpty();
  }
}
