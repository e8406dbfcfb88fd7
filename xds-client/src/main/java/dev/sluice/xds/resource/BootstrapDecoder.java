package dev.sluice.xds.resource;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.sluice.config.AdminConfig;
import dev.sluice.config.BootstrapConfig;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.NodeConfig;
import dev.sluice.config.SecretConfig;
import dev.sluice.config.SocketAddressConfig;
import io.envoyproxy.envoy.config.bootstrap.v3.Admin;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decodes a whole {@code Bootstrap}: node, admin, static resources and the ADS server of
 * {@code dynamic_resources}, then the checks that span resources — unique listener, cluster and
 * secret names, one listener per address, routes and TCP proxies that name only defined clusters
 * (Envoy's {@code validate_clusters} for static route tables), and TLS contexts that name only
 * defined static secrets, secrets over ADS when there is an ADS server, or secrets that the files
 * they name provide.
 */
public final class BootstrapDecoder {
  private static final Set<String> BOOTSTRAP_FIELDS = Set.of("node", "static_resources", "admin",
      "dynamic_resources");
  private static final Set<String> STATIC_RESOURCES_FIELDS = Set.of("listeners", "clusters", "secrets");
  private static final Set<String> NODE_FIELDS = Set.of("id", "cluster", "metadata");
  private static final Set<String> ADMIN_FIELDS = Set.of("address");

  private BootstrapDecoder() {}

  /**
   * Decodes {@code bootstrap}; empty when an error was recorded in {@code ctx}. {@code secretFiles}
   * reads the files that {@code sds_config} path sources name, so that a missing or broken file
   * rejects the bootstrap, as in Envoy.
   */
  public static Optional<DecodedBootstrap> decode(Bootstrap bootstrap, DecodeContext ctx,
      SecretFileReader secretFiles) {
    int before = ctx.errorCount();
    FieldRules.check(bootstrap, "", ctx, BOOTSTRAP_FIELDS);
    NodeConfig node = bootstrap.hasNode() ? node(bootstrap.getNode(), "node", ctx) : NodeConfig.EMPTY;
    Optional<AdminConfig> admin = bootstrap.hasAdmin() ? admin(bootstrap.getAdmin(), "admin", ctx) : Optional.empty();

    Bootstrap.StaticResources resources = bootstrap.getStaticResources();
    FieldRules.check(resources, "static_resources", ctx, STATIC_RESOURCES_FIELDS);
    List<ListenerConfig> listeners = listeners(resources.getListenersList(), "static_resources.listeners", ctx);
    Optional<String> adsCluster = DynamicResourcesDecoder.adsClusterName(bootstrap);
    List<ClusterConfig> clusters =
        clusters(resources.getClustersList(), "static_resources.clusters", adsCluster.orElse(null), ctx);
    Map<String, SecretConfig> secrets = secrets(resources.getSecretsList(), "static_resources.secrets", ctx);
    checkClusterReferences(resources.getClustersList(), ctx);
    Optional<XdsServerConfig> xds = DynamicResourcesDecoder.decode(bootstrap, ctx);
    checkSecretReferences(resources.getSecretsList(), secrets, bootstrap.getDynamicResources().hasAdsConfig(),
        secretFiles, ctx);
    if (ctx.errorCount() != before) {
      return Optional.empty();
    }
    Map<String, Set<String>> files = new LinkedHashMap<>();
    for (SecretReference ref : ctx.secretReferences()) {
      ref.file().ifPresent(f -> files.computeIfAbsent(f.file().toString(), k -> new TreeSet<>()).add(ref.name()));
    }
    return Optional.of(new DecodedBootstrap(new BootstrapConfig(node, admin, listeners, clusters, secrets, files), xds));
  }

  private static Map<String, SecretConfig> secrets(List<Secret> protos, String path, DecodeContext ctx) {
    Map<String, SecretConfig> out = new LinkedHashMap<>();
    Map<String, String> names = new HashMap<>();
    for (int i = 0; i < protos.size(); i++) {
      String sPath = FieldPath.element(path, i);
      String name = protos.get(i).getName();
      String first = name.isEmpty() ? null : names.putIfAbsent(name, sPath);
      if (first != null) {
        ctx.error(FieldPath.child(sPath, "name"), "duplicate secret name '" + name + "' (first at " + first + ")");
        continue;
      }
      SecretDecoder.decode(protos.get(i), sPath, ctx).ifPresent(secret -> out.put(secret.name(), secret));
    }
    return out;
  }

  /**
   * Static references must name a static secret; references over ADS need an ADS server. Secrets
   * that failed to decode count as defined, as clusters do.
   */
  private static void checkSecretReferences(List<Secret> protos, Map<String, SecretConfig> decoded, boolean ads,
      SecretFileReader secretFiles, DecodeContext ctx) {
    Set<String> defined = new HashSet<>();
    protos.forEach(s -> defined.add(s.getName()));
    SecretDecoder.checkReferences(ctx, defined, decoded, secretFiles);
    if (!ads) {
      for (SecretReference ref : ctx.secretReferences()) {
        if (ref.ads()) {
          ctx.error(ref.path(), "secret '" + ref.name() + "' is to be fetched over ADS (sds_config), but"
              + " dynamic_resources has no ads_config");
        }
      }
    }
  }

  private static List<ListenerConfig> listeners(List<Listener> protos, String path, DecodeContext ctx) {
    List<ListenerConfig> out = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    Map<String, String> addresses = new HashMap<>();
    for (int i = 0; i < protos.size(); i++) {
      String lPath = FieldPath.element(path, i);
      String name = protos.get(i).getName();
      String first = name.isEmpty() ? null : names.putIfAbsent(name, lPath);
      if (first != null) {
        ctx.error(FieldPath.child(lPath, "name"), "duplicate listener name '" + name + "' (first at " + first + ")");
      }
      Optional<ListenerConfig> decoded = ListenerDecoder.decode(protos.get(i), lPath, ctx);
      if (decoded.isEmpty()) {
        continue;
      }
      ListenerConfig l = decoded.get();
      SocketAddressConfig a = l.address();
      // Port 0 asks the kernel for a fresh port each time, so such listeners never collide.
      if (a.port() != 0) {
        String key = AddressDecoder.canonicalIp(a.host()) + "|" + a.port();
        String other = addresses.putIfAbsent(key, "'" + l.name() + "' (" + lPath + ")");
        if (other != null) {
          ctx.error(FieldPath.child(lPath, "address"), "address " + a + " is already used by listener " + other);
        }
      }
      out.add(l);
    }
    return out;
  }

  private static List<ClusterConfig> clusters(List<Cluster> protos, String path, String adsCluster,
      DecodeContext ctx) {
    List<ClusterConfig> out = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    for (int i = 0; i < protos.size(); i++) {
      String cPath = FieldPath.element(path, i);
      String name = protos.get(i).getName();
      String first = name.isEmpty() ? null : names.putIfAbsent(name, cPath);
      if (first != null) {
        ctx.error(FieldPath.child(cPath, "name"), "duplicate cluster name '" + name + "' (first at " + first + ")");
      }
      Cluster cluster = protos.get(i);
      if (name.equals(adsCluster)) {
        cluster = DynamicResourcesDecoder.withoutGrpcTransportOptions(cluster, cPath, ctx);
      }
      ClusterDecoder.decode(cluster, cPath, ctx).ifPresent(out::add);
    }
    return out;
  }

  // A cluster that failed to decode still counts as defined, so that one broken cluster does not
  // also produce an "unknown cluster" error at every route naming it.
  private static void checkClusterReferences(List<Cluster> clusters, DecodeContext ctx) {
    Set<String> defined = new HashSet<>();
    for (Cluster c : clusters) {
      defined.add(c.getName());
    }
    for (ClusterReference ref : ctx.clusterReferences()) {
      if (!defined.contains(ref.cluster())) {
        ctx.error(ref.path(), "unknown cluster '" + ref.cluster() + "': no cluster of that name is defined in"
            + " static_resources.clusters");
      }
    }
  }

  private static NodeConfig node(Node node, String path, DecodeContext ctx) {
    FieldRules.check(node, path, ctx, NODE_FIELDS);
    return new NodeConfig(node.getId(), node.getCluster(), metadata(node.getMetadata(), FieldPath.child(path, "metadata"), ctx));
  }

  /**
   * Flattens node metadata to strings: strings as they are, booleans and numbers in their JSON
   * spelling (integral numbers without a fraction), null as the empty string, and nested
   * structures as compact JSON — the form Istio's string-typed metadata readers expect.
   */
  private static Map<String, String> metadata(Struct metadata, String path, DecodeContext ctx) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Value> e : metadata.getFieldsMap().entrySet()) {
      Value v = e.getValue();
      String text = switch (v.getKindCase()) {
        case STRING_VALUE -> v.getStringValue();
        case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
        case NUMBER_VALUE -> number(v.getNumberValue());
        case NULL_VALUE, KIND_NOT_SET -> "";
        case STRUCT_VALUE, LIST_VALUE -> json(v, FieldPath.child(path, e.getKey()), ctx);
      };
      out.put(e.getKey(), text);
    }
    return out;
  }

  private static String number(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  private static String json(Value v, String path, DecodeContext ctx) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(v);
    } catch (InvalidProtocolBufferException e) {
      ctx.error(path, "cannot render metadata value as JSON: " + e.getMessage());
      return "";
    }
  }

  /** Envoy starts no admin listener when {@code admin} has no address. */
  private static Optional<AdminConfig> admin(Admin admin, String path, DecodeContext ctx) {
    FieldRules.check(admin, path, ctx, ADMIN_FIELDS);
    if (!admin.hasAddress()) {
      return Optional.empty();
    }
    SocketAddressConfig address =
        AddressDecoder.decode(admin.getAddress(), AddressDecoder.Use.BIND, FieldPath.child(path, "address"), ctx);
    return address == null ? Optional.empty() : Optional.of(new AdminConfig(address));
  }
}
