package dev.sluice.xds;

import com.google.protobuf.Any;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A snapshot read back from the config cache: per type, its version and its resources. */
record CachedConfig(Path file, String snapshotVersion, Map<ResourceKind, CachedType> types) {
  CachedConfig {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(snapshotVersion, "snapshotVersion");
    types = Map.copyOf(types);
  }

  record CachedType(String version, List<CachedResource> resources) {
    CachedType {
      Objects.requireNonNull(version, "version");
      resources = List.copyOf(resources);
    }
  }

  record CachedResource(String name, String version, Any resource) {
    CachedResource {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(resource, "resource");
    }
  }
}
