package dev.sluice.xds;

import java.util.Objects;

/** The client-level facts shown next to the resources in /config_dump. */
record ClientStatus(String server, String apiType, boolean connected, boolean initialized, boolean servingFromCache,
    String cacheFile, String snapshotVersion) {
  ClientStatus {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(apiType, "apiType");
    Objects.requireNonNull(cacheFile, "cacheFile");
    Objects.requireNonNull(snapshotVersion, "snapshotVersion");
  }
}
