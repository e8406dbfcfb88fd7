package dev.sluice.xds.transport;

import java.util.Objects;
import java.util.Set;

/**
 * What the client wants of one resource type: everything (wildcard, how Envoy asks for listeners
 * and clusters) or the named resources.
 */
public record Subscription(boolean wildcard, Set<String> names) {
  public static final Subscription WILDCARD = new Subscription(true, Set.of());

  public Subscription {
    names = Set.copyOf(Objects.requireNonNull(names, "names"));
    if (wildcard && !names.isEmpty()) {
      throw new IllegalArgumentException("a wildcard subscription names no resources");
    }
  }

  public static Subscription named(Set<String> names) {
    return new Subscription(false, names);
  }

  /** True when the client wants nothing of this type. */
  public boolean isEmpty() {
    return !wildcard && names.isEmpty();
  }
}
