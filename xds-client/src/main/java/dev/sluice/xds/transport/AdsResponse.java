package dev.sluice.xds.transport;

import java.util.List;
import java.util.Objects;

/**
 * A discovery response of either variant. {@code versionInfo} is the state-of-the-world
 * {@code version_info}, or the incremental {@code system_version_info} (informational only);
 * {@code removed} is the incremental {@code removed_resources}, always empty for state of the world.
 */
public record AdsResponse(String typeUrl, String versionInfo, String nonce, List<AdsResource> resources,
    List<String> removed) {
  public AdsResponse {
    Objects.requireNonNull(typeUrl, "typeUrl");
    Objects.requireNonNull(versionInfo, "versionInfo");
    Objects.requireNonNull(nonce, "nonce");
    resources = List.copyOf(resources);
    removed = List.copyOf(removed);
  }
}
