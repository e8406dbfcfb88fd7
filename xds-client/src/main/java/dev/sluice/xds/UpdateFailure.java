package dev.sluice.xds;

import com.google.protobuf.Any;
import java.util.Objects;
import java.util.Optional;

/**
 * The last rejected update of one resource (or, without a name and resource, of a whole type's
 * response): the version offered, why it was rejected, and when.
 */
record UpdateFailure(String version, String details, Optional<Any> rejected, long attemptMillis) {
  UpdateFailure {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(details, "details");
    Objects.requireNonNull(rejected, "rejected");
  }
}
