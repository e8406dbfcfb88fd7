package dev.sluice.xds.transport;

import com.google.protobuf.Any;
import java.util.Objects;
import java.util.Optional;

/**
 * One resource of a response. State-of-the-world responses carry neither a name nor a version per
 * resource (both empty; the name is inside the resource). An incremental response may name a
 * resource without a body, which means it does not exist (xds_protocol, "Knowing When a Requested
 * Resource Does Not Exist").
 */
public record AdsResource(String name, String version, Optional<Any> resource) {
  public AdsResource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(resource, "resource");
  }
}
