package dev.sluice.xds;

import com.google.protobuf.Any;
import java.util.Objects;

/**
 * An accepted resource: its decoded value, the resource as received (for /config_dump and the
 * config cache), the version it arrived with, and when its value last changed.
 */
record HeldResource<T>(String name, String version, T value, Any raw, long updatedMillis) {
  HeldResource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(raw, "raw");
  }
}
