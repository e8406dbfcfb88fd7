package dev.sluice.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.xds.resource.AddressDecoder;
import dev.sluice.xds.resource.ClusterReference;
import dev.sluice.xds.resource.DecodeContext;
import dev.sluice.xds.resource.SecretDecoder;
import dev.sluice.xds.transport.AdsResource;
import dev.sluice.xds.transport.AdsResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one response to a {@link TypeState}: decodes every resource, rejects the invalid ones
 * with messages naming resource and field, and updates what is held.
 *
 * <p>As Envoy and grpc-java do, the valid resources of a response are applied even when others in
 * it are invalid; an invalid resource keeps its previous accepted value, and the response as a
 * whole is NACKed, so the type's accepted version stays where it was. A value equal to the held
 * one is not a change: nothing downstream is rebuilt for it.
 */
final class ResponseProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(ResponseProcessor.class);
  /** Errors quoted in one NACK; the rest are counted. */
  private static final int MAX_ERRORS_IN_NACK = 100;

  private ResponseProcessor() {}

  private record Decoded<T>(T value, Any raw, String version) {}

  static <T> UpdateOutcome apply(TypeState<T> st, AdsResponse r, boolean incremental, DecodeEnvironment env,
      long nowMillis) {
    ResourceKind kind = st.kind();
    List<String> errors = new ArrayList<>();
    Map<String, List<String>> errorsByName = new LinkedHashMap<>();
    Map<String, Any> rejectedRaw = new HashMap<>();
    Map<String, Decoded<T>> valid = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    Set<String> duplicates = new TreeSet<>();
    Set<String> gone = new LinkedHashSet<>(r.removed());
    for (int i = 0; i < r.resources().size(); i++) {
      AdsResource res = r.resources().get(i);
      if (res.resource().isEmpty()) {
        // Incremental: a named resource without a body does not exist.
        if (!res.name().isEmpty()) {
          gone.add(res.name());
        }
        continue;
      }
      Any any = res.resource().get();
      String at = kind.label + " #" + i;
      if (!any.getTypeUrl().equals(kind.typeUrl)) {
        errors.add(at + ": a resource of type '" + any.getTypeUrl() + "' in a " + kind.label + " response");
        continue;
      }
      Message proto;
      try {
        proto = st.type.unpack(any);
      } catch (InvalidProtocolBufferException e) {
        errors.add(at + ": cannot parse: " + e.getMessage());
        continue;
      }
      String name = st.type.nameOf(proto);
      if (name.isEmpty()) {
        errors.add(at + ": the resource has no name");
        continue;
      }
      if (!seen.add(name)) {
        duplicates.add(name);
        continue;
      }
      if (!kind.wildcard && !st.subscription.names().contains(name)) {
        // Not requested: the client ignores it (xds_protocol, "How the client specifies what
        // resources to return").
        continue;
      }
      String version = incremental ? res.version() : r.versionInfo();
      HeldResource<T> held = st.held.get(name);
      if (held != null && held.raw().equals(any) && (res.name().isEmpty() || res.name().equals(name))) {
        // The very bytes already accepted: nothing to decode or rebuild (Envoy compares hashes).
        valid.put(name, new Decoded<>(held.value(), any, version));
        continue;
      }
      DecodeContext ctx = DecodeContext.forXdsResource(label(kind, name));
      if (!res.name().isEmpty() && !res.name().equals(name)) {
        ctx.error("", "the response names this resource '" + res.name() + "'");
      }
      Optional<T> value = st.type.decode(proto, ctx);
      checkAgainstEnvironment(kind, name, ctx, env);
      for (String warning : ctx.warnings()) {
        LOG.debug("{}", warning);
      }
      for (String notice : ctx.notices()) {
        LOG.warn("{}", notice);
      }
      if (ctx.hasErrors()) {
        errorsByName.put(name, new ArrayList<>(ctx.errors()));
        rejectedRaw.put(name, any);
      } else {
        valid.put(name, new Decoded<>(value.orElseThrow(), any, version));
      }
    }
    // xds_protocol: a response must not name a resource twice; neither copy is applied.
    for (String name : duplicates) {
      Decoded<T> first = valid.remove(name);
      if (first != null) {
        rejectedRaw.put(name, first.raw());
      }
      errorsByName.computeIfAbsent(name, n -> new ArrayList<>())
          .add(label(kind, name) + ": the response contains more than one resource of this name");
    }
    Set<String> leaving = new HashSet<>(gone);
    if (!incremental && kind.wildcard) {
      for (String name : st.held.keySet()) {
        if (!seen.contains(name)) {
          leaving.add(name);
        }
      }
    }
    if (kind == ResourceKind.LISTENER) {
      @SuppressWarnings("unchecked")
      Map<String, Decoded<LdsListener>> listeners = (Map<String, Decoded<LdsListener>>) (Map<String, ?>) valid;
      @SuppressWarnings("unchecked")
      TypeState<LdsListener> lds = (TypeState<LdsListener>) st;
      checkAddresses(lds, listeners, leaving, env, errorsByName, rejectedRaw);
    }
    errorsByName.values().forEach(errors::addAll);

    boolean changed = false;
    for (String name : leaving) {
      changed |= st.held.remove(name) != null;
      st.failures.remove(name);
      if (!kind.wildcard && st.subscription.names().contains(name)) {
        changed |= st.missing.add(name);
      }
    }
    for (Map.Entry<String, Decoded<T>> e : valid.entrySet()) {
      String name = e.getKey();
      Decoded<T> d = e.getValue();
      HeldResource<T> previous = st.held.get(name);
      boolean same = previous != null && previous.value().equals(d.value());
      st.held.put(name, new HeldResource<>(name, d.version(), same ? previous.value() : d.value(), d.raw(),
          same ? previous.updatedMillis() : nowMillis));
      changed |= !same;
      changed |= st.missing.remove(name);
      st.failures.remove(name);
    }
    for (Map.Entry<String, List<String>> e : errorsByName.entrySet()) {
      st.failures.put(e.getKey(), new UpdateFailure(r.versionInfo(), String.join("\n", e.getValue()),
          Optional.ofNullable(rejectedRaw.get(e.getKey())), nowMillis));
    }
    st.fetched = true;
    return new UpdateOutcome(changed, errors, valid.keySet(), errorsByName.keySet());
  }

  /** The NACK's error_detail message: every error, one per line, up to a bound. */
  static String nackMessage(List<String> errors) {
    if (errors.size() <= MAX_ERRORS_IN_NACK) {
      return String.join("\n", errors);
    }
    return String.join("\n", errors.subList(0, MAX_ERRORS_IN_NACK)) + "\n... and "
        + (errors.size() - MAX_ERRORS_IN_NACK) + " more errors";
  }

  static String label(ResourceKind kind, String name) {
    return kind.label + " '" + name + "'";
  }

  /**
   * xDS may add listeners and clusters but not replace static ones (Envoy refuses the same), a
   * route table that asks for its clusters to be validated (inline route configurations do by
   * default) and a TCP proxy must name clusters that exist, and a TLS context without
   * {@code sds_config} must name a static secret.
   */
  private static void checkAgainstEnvironment(ResourceKind kind, String name, DecodeContext ctx,
      DecodeEnvironment env) {
    if (kind == ResourceKind.LISTENER && env.staticListeners().stream().anyMatch(l -> l.name().equals(name))) {
      ctx.error("name", "a static listener of this name exists; a static listener cannot be replaced over xDS");
    }
    if (kind == ResourceKind.CLUSTER && env.staticClusters().contains(name)) {
      ctx.error("name", "a static cluster of this name exists; a static cluster cannot be replaced over xDS");
    }
    for (ClusterReference ref : ctx.clusterReferences()) {
      if (!env.knownClusters().contains(ref.cluster())) {
        ctx.error(ref.path(), "unknown cluster '" + ref.cluster() + "': no static or CDS cluster of that name exists");
      }
    }
    SecretDecoder.checkReferences(ctx, env.staticSecrets().keySet(), env.staticSecrets());
  }

  /**
   * Two listeners cannot bind one address. Listeners that stay as they are keep theirs; a new or
   * changed listener that asks for a taken address is rejected (Envoy: "duplicate address").
   */
  private static void checkAddresses(TypeState<LdsListener> st, Map<String, Decoded<LdsListener>> valid,
      Set<String> leaving, DecodeEnvironment env, Map<String, List<String>> errorsByName, Map<String, Any> rejected) {
    Map<String, String> owners = new HashMap<>();
    for (ListenerConfig l : env.staticListeners()) {
      claim(owners, l.address(), "static listener '" + l.name() + "'");
    }
    for (HeldResource<LdsListener> h : st.held.values()) {
      if (!valid.containsKey(h.name()) && !leaving.contains(h.name())) {
        claim(owners, h.value().config().address(), "listener '" + h.name() + "'");
      }
    }
    for (String name : new ArrayList<>(valid.keySet())) {
      SocketAddressConfig address = valid.get(name).value().config().address();
      String other = claim(owners, address, "listener '" + name + "'");
      if (other != null) {
        rejected.put(name, valid.remove(name).raw());
        errorsByName.computeIfAbsent(name, n -> new ArrayList<>())
            .add(label(ResourceKind.LISTENER, name) + ": address: address " + address + " is already used by " + other);
      }
    }
  }

  /** Records {@code owner} for {@code address}; returns the previous owner, or null. Port 0 never collides. */
  private static String claim(Map<String, String> owners, SocketAddressConfig address, String owner) {
    if (address.port() == 0) {
      return null;
    }
    String key = (AddressDecoder.isIpLiteral(address.host()) ? AddressDecoder.canonicalIp(address.host())
        : address.host()) + "|" + address.port();
    return owners.putIfAbsent(key, owner);
  }
}
