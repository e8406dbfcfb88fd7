package dev.sluice.xds.resource;

import dev.sluice.config.SecretConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the secrets of an SDS file source ({@code sds_config} with {@code path_config_source} or
 * {@code path}), so that the bootstrap's checks can tell whether the file provides what a TLS
 * context names. The file format belongs to the loader; decoders only see the result.
 */
@FunctionalInterface
public interface SecretFileReader {

  /** The secrets of {@code file} by name, or why the file cannot be used. */
  Result read(Path file);

  /**
   * What a file held: its secrets by name when {@code errors} is empty. Each error names the file
   * (and the field inside it, where there is one).
   */
  record Result(Map<String, SecretConfig> secrets, List<String> errors) {
    public Result {
      secrets = Map.copyOf(Objects.requireNonNull(secrets, "secrets"));
      errors = List.copyOf(errors);
    }

    public static Result of(Map<String, SecretConfig> secrets) {
      return new Result(secrets, List.of());
    }

    public static Result failed(List<String> errors) {
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("a failed read needs a reason");
      }
      return new Result(Map.of(), errors);
    }

    public boolean ok() {
      return errors.isEmpty();
    }
  }
}
