package dev.sluice.xds;

import dev.sluice.xds.transport.Subscription;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the client knows about one resource type. Mutated only on the client's executor.
 */
final class TypeState<T> {
  final XdsResourceType<T> type;
  final Map<String, HeldResource<T>> held = new TreeMap<>();
  /** Named resources known not to exist: removed by the server (incremental) or not sent in time. */
  final Set<String> missing = new TreeSet<>();
  /** Resources whose latest update was rejected, by name. */
  final Map<String, UpdateFailure> failures = new TreeMap<>();
  Subscription subscription = Subscription.named(Set.of());
  /** The version of the last fully accepted response; what a NACK repeats. */
  String acceptedVersion = "";
  /** The nonce of the latest response on the current stream. */
  String latestNonce = "";
  /** True once the first request of this type went out on the current stream. */
  boolean startedOnStream;
  /** True once a response (accepted or not) or the initial fetch timeout ended the first fetch. */
  boolean fetched;
  /** The last NACK of this type, if any. */
  Optional<UpdateFailure> lastNack = Optional.empty();
  /** Guards against a server that re-sends a response it was just told is invalid. */
  int lastRejectedFingerprint;
  int repeatedRejections;

  TypeState(XdsResourceType<T> type) {
    this.type = type;
  }

  ResourceKind kind() {
    return type.kind();
  }

  Optional<T> value(String name) {
    HeldResource<T> h = held.get(name);
    return h == null ? Optional.empty() : Optional.of(h.value());
  }

  /** Name to version of every held resource: the incremental {@code initial_resource_versions}. */
  Map<String, String> heldVersions() {
    Map<String, String> out = new HashMap<>();
    held.forEach((name, h) -> out.put(name, h.version()));
    return out;
  }

  Map<String, T> values() {
    Map<String, T> out = new LinkedHashMap<>();
    held.forEach((name, h) -> out.put(name, h.value()));
    return out;
  }
}
