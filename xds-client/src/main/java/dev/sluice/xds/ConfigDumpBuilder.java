package dev.sluice.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.sluice.xds.internal.EnvoyTypeRegistry;
import dev.sluice.xds.internal.SensitiveFields;
import io.envoyproxy.envoy.admin.v3.ClientResourceStatus;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.EndpointsConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.admin.v3.SecretsConfigDump;
import io.envoyproxy.envoy.admin.v3.UpdateFailureState;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders the client's state in Envoy's /config_dump shape: a {@code ConfigDump} whose
 * {@code configs} hold the listeners, clusters, routes, endpoints and secrets dumps, each resource
 * with its version, last-updated time, client status and, when its last update was rejected, the
 * failure. An {@code xds_client} member beside {@code configs} carries what Envoy has no field
 * for: the server, the connection, whether the configuration came from the config cache, and the
 * last NACK of each type. Private keys and other sensitive fields are redacted wherever they
 * appear, as Envoy redacts them.
 */
final class ConfigDumpBuilder {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().usingTypeRegistry(EnvoyTypeRegistry.get()).preservingProtoFieldNames();

  private ConfigDumpBuilder() {}

  @SuppressWarnings("unchecked")
  static String build(Map<ResourceKind, TypeState<?>> states, SnapshotAssembler assembler, ClientStatus status) {
    TypeState<LdsListener> lds = (TypeState<LdsListener>) states.get(ResourceKind.LISTENER);
    TypeState<CdsCluster> cds = (TypeState<CdsCluster>) states.get(ResourceKind.CLUSTER);
    ConfigDump dump = ConfigDump.newBuilder()
        .addConfigs(Any.pack(listeners(lds, assembler)))
        .addConfigs(Any.pack(clusters(cds, assembler)))
        .addConfigs(Any.pack(routes(states.get(ResourceKind.ROUTE_CONFIG))))
        .addConfigs(Any.pack(endpoints(states.get(ResourceKind.ENDPOINTS))))
        .addConfigs(Any.pack(secrets(states.get(ResourceKind.SECRET))))
        .build();
    // Inline private keys may sit in secrets and in the TLS contexts of listeners and clusters.
    dump = SensitiveFields.redact(dump);
    try {
      String configs = PRINTER.print(dump);
      String client = PRINTER.print(clientStatus(states, status));
      int end = configs.lastIndexOf('}');
      return configs.substring(0, end).stripTrailing() + ",\n  \"xds_client\": " + client.replace("\n", "\n  ")
          + "\n}";
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot render /config_dump: " + e.getMessage(), e);
    }
  }

  private static ListenersConfigDump listeners(TypeState<LdsListener> st, SnapshotAssembler assembler) {
    ListenersConfigDump.Builder b = ListenersConfigDump.newBuilder().setVersionInfo(st.acceptedVersion);
    for (String name : names(st)) {
      ListenersConfigDump.DynamicListener.Builder d = ListenersConfigDump.DynamicListener.newBuilder().setName(name);
      HeldResource<LdsListener> latest = st.held.get(name);
      Optional<HeldResource<LdsListener>> serving = assembler.servingListener(name);
      // Equal updates keep the held value object, so identity says the latest is the one serving.
      if (latest != null && serving.isPresent() && serving.get().value() == latest.value()) {
        d.setActiveState(listenerState(latest));
      } else {
        serving.ifPresent(s -> d.setActiveState(listenerState(s)));
        if (latest != null) {
          d.setWarmingState(listenerState(latest));
        }
      }
      failure(st, name).ifPresent(d::setErrorState);
      d.setClientStatus(status(st, name));
      b.addDynamicListeners(d);
    }
    return b.build();
  }

  private static ListenersConfigDump.DynamicListenerState listenerState(HeldResource<LdsListener> h) {
    return ListenersConfigDump.DynamicListenerState.newBuilder()
        .setVersionInfo(h.version()).setListener(h.raw()).setLastUpdated(timestamp(h.updatedMillis())).build();
  }

  private static ClustersConfigDump clusters(TypeState<CdsCluster> st, SnapshotAssembler assembler) {
    ClustersConfigDump.Builder b = ClustersConfigDump.newBuilder().setVersionInfo(st.acceptedVersion);
    for (String name : names(st)) {
      HeldResource<CdsCluster> latest = st.held.get(name);
      Optional<HeldResource<CdsCluster>> serving = assembler.servingCluster(name);
      Optional<UpdateFailureState> failure = failure(st, name);
      // The latest version is the one serving when their values are the very same object: an
      // equal update keeps the held value and only refreshes its version.
      boolean latestServes = latest != null && serving.isPresent() && serving.get().value() == latest.value();
      if (serving.isPresent()) {
        b.addDynamicActiveClusters(cluster(latestServes ? latest : serving.get(), failure, status(st, name)));
      }
      if (latest != null && !latestServes) {
        b.addDynamicWarmingClusters(cluster(latest, failure, status(st, name)));
      }
      if (latest == null && failure.isPresent()) {
        b.addDynamicWarmingClusters(ClustersConfigDump.DynamicCluster.newBuilder()
            .setErrorState(failure.get()).setClientStatus(ClientResourceStatus.NACKED));
      }
    }
    return b.build();
  }

  private static ClustersConfigDump.DynamicCluster cluster(HeldResource<CdsCluster> h,
      Optional<UpdateFailureState> failure, ClientResourceStatus status) {
    ClustersConfigDump.DynamicCluster.Builder b = ClustersConfigDump.DynamicCluster.newBuilder()
        .setVersionInfo(h.version()).setCluster(h.raw()).setLastUpdated(timestamp(h.updatedMillis()))
        .setClientStatus(status);
    failure.ifPresent(b::setErrorState);
    return b.build();
  }

  private static RoutesConfigDump routes(TypeState<?> st) {
    RoutesConfigDump.Builder b = RoutesConfigDump.newBuilder();
    for (String name : namedResources(st)) {
      RoutesConfigDump.DynamicRouteConfig.Builder d = RoutesConfigDump.DynamicRouteConfig.newBuilder();
      HeldResource<?> h = st.held.get(name);
      if (h != null) {
        d.setVersionInfo(h.version()).setRouteConfig(h.raw()).setLastUpdated(timestamp(h.updatedMillis()));
      }
      failure(st, name).ifPresent(d::setErrorState);
      b.addDynamicRouteConfigs(d.setClientStatus(status(st, name)));
    }
    return b.build();
  }

  private static EndpointsConfigDump endpoints(TypeState<?> st) {
    EndpointsConfigDump.Builder b = EndpointsConfigDump.newBuilder();
    for (String name : namedResources(st)) {
      EndpointsConfigDump.DynamicEndpointConfig.Builder d = EndpointsConfigDump.DynamicEndpointConfig.newBuilder();
      HeldResource<?> h = st.held.get(name);
      if (h != null) {
        d.setVersionInfo(h.version()).setEndpointConfig(h.raw()).setLastUpdated(timestamp(h.updatedMillis()));
      }
      failure(st, name).ifPresent(d::setErrorState);
      b.addDynamicEndpointConfigs(d.setClientStatus(status(st, name)));
    }
    return b.build();
  }

  private static SecretsConfigDump secrets(TypeState<?> st) {
    SecretsConfigDump.Builder b = SecretsConfigDump.newBuilder();
    for (String name : namedResources(st)) {
      SecretsConfigDump.DynamicSecret.Builder d = SecretsConfigDump.DynamicSecret.newBuilder().setName(name);
      HeldResource<?> h = st.held.get(name);
      if (h != null) {
        d.setVersionInfo(h.version()).setSecret(h.raw()).setLastUpdated(timestamp(h.updatedMillis()));
      }
      b.addDynamicActiveSecrets(d.setClientStatus(status(st, name)));
    }
    return b.build();
  }

  private static Set<String> names(TypeState<?> st) {
    Set<String> names = new TreeSet<>(st.held.keySet());
    names.addAll(st.failures.keySet());
    return names;
  }

  private static Set<String> namedResources(TypeState<?> st) {
    Set<String> names = names(st);
    names.addAll(st.subscription.names());
    return names;
  }

  private static ClientResourceStatus status(TypeState<?> st, String name) {
    if (st.failures.containsKey(name)) {
      return ClientResourceStatus.NACKED;
    }
    if (st.held.containsKey(name)) {
      return ClientResourceStatus.ACKED;
    }
    return st.missing.contains(name) ? ClientResourceStatus.DOES_NOT_EXIST : ClientResourceStatus.REQUESTED;
  }

  private static Optional<UpdateFailureState> failure(TypeState<?> st, String name) {
    UpdateFailure f = st.failures.get(name);
    if (f == null) {
      return Optional.empty();
    }
    UpdateFailureState.Builder b = UpdateFailureState.newBuilder()
        .setVersionInfo(f.version()).setDetails(f.details()).setLastUpdateAttempt(timestamp(f.attemptMillis()));
    f.rejected().ifPresent(b::setFailedConfiguration);
    return Optional.of(b.build());
  }

  private static Struct clientStatus(Map<ResourceKind, TypeState<?>> states, ClientStatus status) {
    Struct.Builder nacks = Struct.newBuilder();
    for (ResourceKind kind : ResourceKind.values()) {
      states.get(kind).lastNack.ifPresent(n -> nacks.putFields(kind.shortName, struct(Map.of(
          "version_info", string(n.version()),
          "details", string(n.details()),
          "time", string(com.google.protobuf.util.Timestamps.toString(timestamp(n.attemptMillis())))))));
    }
    return Struct.newBuilder()
        .putFields("server", string(status.server()))
        .putFields("api_type", string(status.apiType()))
        .putFields("connected", Value.newBuilder().setBoolValue(status.connected()).build())
        .putFields("initialized", Value.newBuilder().setBoolValue(status.initialized()).build())
        .putFields("serving_from_cache", Value.newBuilder().setBoolValue(status.servingFromCache()).build())
        .putFields("config_cache_file", string(status.cacheFile()))
        .putFields("snapshot_version", string(status.snapshotVersion()))
        .putFields("last_nack", Value.newBuilder().setStructValue(nacks).build())
        .build();
  }

  private static Value struct(Map<String, Value> fields) {
    return Value.newBuilder().setStructValue(Struct.newBuilder().putAllFields(fields)).build();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  private static Timestamp timestamp(long millis) {
    return com.google.protobuf.util.Timestamps.fromMillis(millis);
  }
}
