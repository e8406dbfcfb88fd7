package dev.sluice.xds;

import static dev.sluice.xds.TestResources.certificate;
import static dev.sluice.xds.TestResources.edsCluster;
import static dev.sluice.xds.TestResources.endpoints;
import static dev.sluice.xds.TestResources.endpointsOf;
import static dev.sluice.xds.TestResources.firstRouteCluster;
import static dev.sluice.xds.TestResources.firstRoutePrefix;
import static dev.sluice.xds.TestResources.hasListener;
import static dev.sluice.xds.TestResources.listener;
import static dev.sluice.xds.TestResources.listenerNamed;
import static dev.sluice.xds.TestResources.privateKeyOf;
import static dev.sluice.xds.TestResources.regexRoute;
import static dev.sluice.xds.TestResources.route;
import static dev.sluice.xds.TestResources.routesOf;
import static dev.sluice.xds.TestResources.snapshot;
import static dev.sluice.xds.TestResources.tcpListener;
import static dev.sluice.xds.TestResources.tlsCluster;
import static dev.sluice.xds.TestResources.tlsListener;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.DataSource;
import dev.sluice.config.DownstreamTlsConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.FilterChainMatchConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.NodeConfig;
import dev.sluice.config.SecretConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.config.TcpProxyConfig;
import dev.sluice.config.TlsCertificateConfig;
import dev.sluice.config.TlsParamsConfig;
import dev.sluice.snapshot.ConfigSnapshot;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.xds.resource.XdsServerConfig;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The xDS protocol against a real management server (java-control-plane), run once over state of
 * the world and once incrementally by the two subclasses.
 */
abstract class AdsProtocolTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
  static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  static final String SDS = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
  static final ClusterConfig STATIC_CLUSTER =
      ClusterConfig.ofStatic("xds_cluster", List.of(EndpointConfig.of("127.0.0.1", 18000)));

  ControlPlane cp;
  final SnapshotRecorder watcher = new SnapshotRecorder();
  final StatsRegistry stats = new StatsRegistry();
  XdsClient client;

  abstract XdsServerConfig.ApiType apiType();

  /** A request of {@code typeUrl} that the server saw with an error_detail containing {@code text}. */
  abstract void awaitNack(String typeUrl, String text) throws InterruptedException;

  /** Waits until the client has acknowledged {@code typeUrl} at {@code version}. */
  abstract void awaitAck(String typeUrl, String version) throws InterruptedException;

  /** Waits until the client no longer asks for {@code name} of the named type {@code typeUrl}. */
  abstract void awaitUnsubscribed(String typeUrl, String name) throws InterruptedException;

  /** Waits until the client has asked for {@code name} of the named type {@code typeUrl}. */
  abstract void awaitSubscribed(String typeUrl, String name) throws InterruptedException;

  void awaitRdsUnsubscribed(String name) throws InterruptedException {
    awaitUnsubscribed(RDS, name);
  }

  void awaitRdsSubscribed(String name) throws InterruptedException {
    awaitSubscribed(RDS, name);
  }

  /** Checks the first request of a resumed stream: what it says the client already holds. */
  abstract void assertResumption(int requestsBeforeRestart) throws InterruptedException;

  @BeforeEach
  void startControlPlane() throws Exception {
    cp = ControlPlane.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    cp.close();
  }

  XdsServerConfig server(String target, Duration initialFetchTimeout) {
    return XdsServerConfig.of(apiType(), target)
        .withInitialFetchTimeout(initialFetchTimeout)
        .withRetry(Duration.ofMillis(50), Duration.ofMillis(400));
  }

  XdsClientOptions.Builder options(String target, Duration initialFetchTimeout) {
    return XdsClientOptions.builder(server(target, initialFetchTimeout),
            new NodeConfig("sidecar~10.0.0.9~vm-1.default~default.svc.cluster.local", "vm",
                Map.of("LABELS", "{\"app\":\"vm\"}")))
        .staticResources(List.of(), List.of(STATIC_CLUSTER))
        .stats(stats);
  }

  XdsClient start(XdsClientOptions.Builder options) {
    client = XdsClient.start(options.build(), watcher);
    return client;
  }

  static Snapshot web(String version, String prefix, String... backendEndpoints) {
    return snapshot(version, List.of(edsCluster("backend")), List.of(endpoints("backend", backendEndpoints)),
        List.of(listener("web", 10080, "web-routes")), List.of(route("web-routes", prefix, "backend")));
  }

  ConfigSnapshot initial() throws InterruptedException {
    return client.awaitInitial(WAIT).orElseThrow(() -> new AssertionError("no initial snapshot; dump: "
        + client.configDumpJson()));
  }

  ConfigSnapshot next(Predicate<ConfigSnapshot> p) throws InterruptedException {
    return watcher.await(p, WAIT);
  }

  @Test
  void initialSyncResolvesListenersRoutesClustersAndEndpoints() throws Exception {
    cp.set(web("1", "/", "10.0.0.1:8080", "10.0.0.2:8080"));
    start(options(cp.target(), Duration.ZERO));

    ConfigSnapshot s = initial();
    assertThat(firstRoutePrefix(s, "web")).isEqualTo("/");
    assertThat(firstRouteCluster(s, "web")).isEqualTo("backend");
    assertThat(s.clusters().get("backend").type()).isEqualTo(ClusterConfig.DiscoveryType.EDS);
    assertThat(endpointsOf(s, "backend")).containsExactly(new SocketAddressConfig("10.0.0.1", 8080),
        new SocketAddressConfig("10.0.0.2", 8080));
    assertThat(s.clusters()).containsEntry("xds_cluster", STATIC_CLUSTER);
    assertThat(watcher.threads()).allSatisfy(t -> assertThat(t.getName()).isEqualTo("sluice-xds-client"));
    assertThat(client.isConnected()).isTrue();

    assertThat(stats.gaugeValues()).containsEntry("control_plane.connected_state", 1L);
    assertThat(stats.counterValues()).containsEntry("listener_manager.lds.update_success", 1L)
        .containsEntry("cluster_manager.cds.update_success", 1L)
        .containsEntry("http.web.rds.web-routes.update_success", 1L)
        .containsEntry("cluster.backend.update_success", 1L);
    assertThat(stats.gaugeValues().get("listener_manager.lds.update_time")).isPositive();
    String dump = client.configDumpJson();
    assertThat(dump).contains("\"@type\": \"type.googleapis.com/envoy.admin.v3.ListenersConfigDump\"")
        .contains("\"version_info\": \"1\"").contains("\"last_updated\"").contains("web-routes")
        .contains("\"client_status\": \"ACKED\"").contains("\"connected\": true");
  }

  @Test
  void routesEndpointsListenersAndClustersChangeAndGo() throws Exception {
    cp.set(web("1", "/", "10.0.0.1:8080"));
    start(options(cp.target(), Duration.ZERO));
    initial();

    cp.set(web("2", "/v2", "10.0.0.1:8080"));
    next(s -> firstRoutePrefix(s, "web").equals("/v2"));

    cp.set(web("3", "/v2", "10.0.0.1:8080", "10.0.0.3:8080"));
    next(s -> endpointsOf(s, "backend").size() == 2);

    cp.set(snapshot("4", List.of(edsCluster("backend"), edsCluster("api")),
        List.of(endpoints("backend", "10.0.0.1:8080"), endpoints("api", "10.0.1.1:9000")),
        List.of(listener("web", 10080, "web-routes"), listener("api", 10081, "api-routes")),
        List.of(route("web-routes", "/v2", "backend"), route("api-routes", "/", "api"))));
    // Routes do not warm on clusters (xds_protocol, "Eventual consistency considerations"), so wait
    // for the endpoints of the new cluster too.
    ConfigSnapshot both = next(s -> hasListener(s, "api") && endpointsOf(s, "api").size() == 1
        && endpointsOf(s, "backend").size() == 1);
    assertThat(firstRouteCluster(both, "api")).isEqualTo("api");
    assertThat(endpointsOf(both, "api")).containsExactly(new SocketAddressConfig("10.0.1.1", 9000));

    cp.set(snapshot("5", List.of(edsCluster("api")), List.of(endpoints("api", "10.0.1.1:9000")),
        List.of(listener("api", 10081, "api-routes")), List.of(route("api-routes", "/", "api"))));
    ConfigSnapshot onlyApi = next(s -> !hasListener(s, "web") && !s.clusters().containsKey("backend"));
    assertThat(hasListener(onlyApi, "api")).isTrue();
    assertThat(onlyApi.clusters()).containsKeys("api", "xds_cluster");
    // Nothing references web-routes any more: the client stops asking for it.
    awaitRdsUnsubscribed("web-routes");
  }

  @Test
  void equalUpdatesPublishNothing() throws Exception {
    cp.set(web("1", "/", "10.0.0.1:8080"));
    start(options(cp.target(), Duration.ZERO));
    initial();
    cp.set(web("2", "/", "10.0.0.1:8080"));
    if (apiType() == XdsServerConfig.ApiType.DELTA_GRPC) {
      // An incremental server sends nothing for resources that did not change; after a restart
      // java-control-plane sends everything again, equal to what the client holds.
      cp.restart();
    }
    awaitAck(LDS, "2");
    cp.set(web("3", "/moved", "10.0.0.1:8080"));
    next(s -> firstRoutePrefix(s, "web").equals("/moved"));
    assertThat(watcher.size()).isEqualTo(2);
  }

  @Test
  void invalidRegexIsNackedWithItsMessageAndThePreviousSnapshotStays() throws Exception {
    cp.set(web("1", "/", "10.0.0.1:8080"));
    start(options(cp.target(), Duration.ZERO));
    ConfigSnapshot before = initial();

    cp.set(snapshot("2", List.of(edsCluster("backend")), List.of(endpoints("backend", "10.0.0.1:8080")),
        List.of(listener("web", 10080, "web-routes")), List.of(regexRoute("web-routes", "/users/(", "backend"))));
    awaitNack(RDS, "RouteConfiguration 'web-routes': virtual_hosts[0].routes[0].match.safe_regex");
    assertThat(client.currentSnapshot()).contains(before);
    assertThat(client.configDumpJson()).contains("\"last_nack\"").contains("\"rds\"").contains("invalid regex")
        .contains("\"client_status\": \"NACKED\"");
    assertThat(stats.counterValues()).containsKey("http.web.rds.web-routes.update_rejected");

    cp.set(web("3", "/fixed", "10.0.0.1:8080"));
    next(s -> firstRoutePrefix(s, "web").equals("/fixed"));
  }

  @Test
  void unknownRequiredExtensionIsNackedNamingResourceAndField() throws Exception {
    cp.set(web("1", "/", "10.0.0.1:8080"));
    start(options(cp.target(), Duration.ZERO));
    ConfigSnapshot before = initial();

    HttpFilter lua = HttpFilter.newBuilder().setName("envoy.filters.http.lua")
        .setTypedConfig(Any.pack(Lua.getDefaultInstance())).build();
    cp.set(snapshot("2", List.of(edsCluster("backend")), List.of(endpoints("backend", "10.0.0.1:8080")),
        List.of(listener("web", 10080, "web-routes", lua)), List.of(route("web-routes", "/", "backend"))));
    awaitNack(LDS, "Listener 'web': filter_chains[0].filters[0].typed_config.http_filters[0]: http filter"
        + " 'envoy.filters.http.lua' (type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua) is not supported");
    assertThat(client.currentSnapshot()).contains(before);

    // The same filter marked optional is skipped, as Envoy skips optional filters it does not know.
    HttpFilter optional = lua.toBuilder().setIsOptional(true).build();
    cp.set(snapshot("3", List.of(edsCluster("backend")), List.of(endpoints("backend", "10.0.0.1:8080")),
        List.of(listener("web", 10080, "web-routes", optional), listener("web2", 10082, "web-routes")),
        List.of(route("web-routes", "/", "backend"))));
    next(s -> hasListener(s, "web2"));
  }

  @Test
  void listenersWarmUntilTheirRoutesArriveAndClustersUntilTheirEndpoints() throws Exception {
    cp.set(snapshot("1", List.of(edsCluster("backend")), List.of(), List.of(listener("web", 10080, "web-routes")),
        List.of()));
    start(options(cp.target(), Duration.ZERO));
    awaitRdsSubscribed("web-routes");
    assertThat(client.initialSnapshot()).isNotDone();
    assertThat(client.configDumpJson()).contains("\"warming_state\"").contains("\"initialized\": false");

    cp.set(snapshot("2", List.of(edsCluster("backend")), List.of(), List.of(listener("web", 10080, "web-routes")),
        List.of(route("web-routes", "/", "backend"))));
    awaitAck(RDS, "2");
    // The listener is ready, but the cluster still waits for its endpoints: nothing is published.
    assertThat(client.initialSnapshot()).isNotDone();
    assertThat(client.configDumpJson()).contains("\"dynamic_warming_clusters\"");

    cp.set(web("3", "/", "10.0.0.1:8080"));
    ConfigSnapshot s = initial();
    assertThat(hasListener(s, "web")).isTrue();
    assertThat(endpointsOf(s, "backend")).hasSize(1);

    // After start-up: a new listener appears only with its routes, and a changed listener keeps
    // serving its old routes while the new ones are on their way.
    cp.set(snapshot("4", List.of(edsCluster("backend")), List.of(endpoints("backend", "10.0.0.1:8080")),
        List.of(listener("web", 10080, "web-routes-2"), listener("api", 10081, "api-routes")),
        List.of(route("web-routes", "/", "backend"))));
    awaitRdsSubscribed("api-routes");
    awaitRdsSubscribed("web-routes-2");
    ConfigSnapshot current = client.currentSnapshot().orElseThrow();
    assertThat(hasListener(current, "api")).isFalse();
    assertThat(firstRoutePrefix(current, "web")).isEqualTo("/");

    // Make before break: the old route configuration stays until the listener moved off it.
    cp.set(snapshot("5", List.of(edsCluster("backend")), List.of(endpoints("backend", "10.0.0.1:8080")),
        List.of(listener("web", 10080, "web-routes-2"), listener("api", 10081, "api-routes")),
        List.of(route("web-routes", "/", "backend"), route("web-routes-2", "/two", "backend"),
            route("api-routes", "/", "backend"))));
    ConfigSnapshot ready = next(s2 -> hasListener(s2, "api") && firstRoutePrefix(s2, "web").equals("/two"));
    // No snapshot ever carried the new listener without its routes.
    assertThat(watcher.all()).allMatch(s2 -> !hasListener(s2, "api") || !routesOf(s2, "api").virtualHosts().isEmpty());
    assertThat(ready.listeners()).hasSize(2);
    awaitRdsUnsubscribed("web-routes");
  }

  @Test
  void resumesAfterTheServerRestartsAndKeepsServingWhileItIsAway() throws Exception {
    cp.set(web("1", "/", "10.0.0.1:8080"));
    start(options(cp.target(), Duration.ZERO));
    ConfigSnapshot before = initial();
    int requestsBefore = apiType() == XdsServerConfig.ApiType.DELTA_GRPC ? cp.deltaRequests().size()
        : cp.requests().size();

    cp.stop();
    assertThat(client.currentSnapshot()).contains(before);
    cp.resume();
    cp.awaitStreams(2, WAIT);
    assertResumption(requestsBefore);
    assertThat(client.currentSnapshot()).contains(before);

    cp.set(web("2", "/after-restart", "10.0.0.1:8080"));
    next(s -> firstRoutePrefix(s, "web").equals("/after-restart"));
    assertThat(stats.counterValues().get("listener_manager.lds.update_failure")).isPositive();
  }

  @Test
  void controlPlaneDownAtStartServesTheStaticResourcesAfterTheInitialFetchTimeout() throws Exception {
    String deadTarget = cp.target();
    cp.stop();
    start(options(deadTarget, Duration.ofMillis(300)));

    ConfigSnapshot s = initial();
    assertThat(s.listeners()).isEmpty();
    assertThat(s.clusters()).containsOnlyKeys("xds_cluster");
    assertThat(client.isConnected()).isFalse();
    assertThat(client.isServingFromCache()).isFalse();
    assertThat(stats.counterValues()).containsEntry("listener_manager.lds.init_fetch_timeout", 1L);

    cp.set(web("1", "/", "10.0.0.1:8080"));
    cp.resume();
    next(s2 -> hasListener(s2, "web"));
  }

  @Test
  void controlPlaneDownAtStartServesTheCachedSnapshot(@TempDir Path cacheDir) throws Exception {
    cp.set(web("1", "/cached", "10.0.0.1:8080"));
    XdsClient first = start(options(cp.target(), Duration.ZERO).configCache(cacheDir));
    ConfigSnapshot served = initial();
    first.close();
    try (var files = Files.list(cacheDir)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList())
          .singleElement().asString().matches("xds-config-\\d{20}\\.pb");
    }
    String target = cp.target();
    cp.stop();

    SnapshotRecorder second = new SnapshotRecorder();
    client = XdsClient.start(options(target, Duration.ofMillis(300)).configCache(cacheDir).build(), second);
    ConfigSnapshot fromCache = initial();
    assertThat(fromCache.listeners()).isEqualTo(served.listeners());
    assertThat(fromCache.clusters()).isEqualTo(served.clusters());
    assertThat(fromCache.version()).contains("from config cache");
    assertThat(client.isServingFromCache()).isTrue();
    assertThat(client.configDumpJson()).contains("\"serving_from_cache\": true").contains(cacheDir.toString());
    assertThat(stats.gaugeValues()).containsEntry("xds.config_cache.serving", 1L);

    cp.set(web("2", "/live", "10.0.0.1:8080"));
    cp.resume();
    second.await(s -> firstRoutePrefix(s, "web").equals("/live"), WAIT);
    assertThat(client.isServingFromCache()).isFalse();
  }

  @Test
  void secretsAreFetchedByNameAndHeldWithTheirKeysRedactedInTheDump() throws Exception {
    Secret secret = Secret.newBuilder().setName("gateway-cert").setTlsCertificate(TlsCertificate.newBuilder()
            .setCertificateChain(io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder()
                .setInlineBytes(ByteString.copyFromUtf8("-----BEGIN CERT")))
            .setPrivateKey(io.envoyproxy.envoy.config.core.v3.DataSource.newBuilder()
                .setInlineString("-----BEGIN PRIVATE KEY-----secret")))
        .build();
    Snapshot withSecret = Snapshot.create(List.of(edsCluster("backend")), List.of(endpoints("backend",
        "10.0.0.1:8080")), List.of(listener("web", 10080, "web-routes")), List.of(route("web-routes", "/", "backend")),
        List.of(secret), "1");
    cp.set(withSecret);
    start(options(cp.target(), Duration.ZERO).secretNames(Set.of("gateway-cert")));
    initial();
    awaitAck(SDS, "1");
    assertThat(client.secrets()).containsKey("gateway-cert");
    assertThat(client.secrets().get("gateway-cert").tlsCertificate().privateKey())
        .isEqualTo(new DataSource.InlineString("-----BEGIN PRIVATE KEY-----secret"));
    assertThat(client.configDumpJson()).contains("gateway-cert").contains("[redacted]")
        .doesNotContain("PRIVATE KEY-----secret");
  }

  // ---- SDS ------------------------------------------------------------------------------------

  @Test
  void listenersAndClustersWarmUntilTheirSecretsArriveAndARotationChangesOnlyTheSecret() throws Exception {
    SecretConfig staticCa = new SecretConfig("static-ca", null, new DataSource.InlineString("CA"));
    List<Cluster> clusters = List.of(tlsCluster("backend", "client-cert"));
    List<ClusterLoadAssignment> assignments = List.of(endpoints("backend", "10.0.0.1:8080"));
    List<Listener> listeners = List.of(tlsListener("web", 10443, "web-routes", "gateway-cert"));
    List<RouteConfiguration> routes = List.of(route("web-routes", "/", "backend"));
    Secret clientCert = certificate("client-cert", "CLIENT-CHAIN", "CLIENT-KEY");
    cp.set(snapshot("1", clusters, assignments, listeners, routes));
    start(options(cp.target(), Duration.ZERO).staticSecrets(Map.of("static-ca", staticCa)));
    awaitSubscribed(SDS, "gateway-cert");
    awaitSubscribed(SDS, "client-cert");
    assertThat(client.initialSnapshot()).isNotDone();
    assertThat(client.configDumpJson()).contains("\"warming_state\"").contains("\"dynamic_warming_clusters\"");

    cp.set(snapshot("2", clusters, assignments, listeners, routes,
        List.of(certificate("gateway-cert", "CHAIN", "KEY-1"), clientCert)));
    ConfigSnapshot first = initial();
    assertThat(listenerNamed(first, "web").orElseThrow().filterChains().get(0).tls().commonTlsContext().certificate())
        .isEqualTo(new TlsCertificateConfig.Sds("gateway-cert"));
    assertThat(first.clusters().get("backend").tls().commonTlsContext().certificate())
        .isEqualTo(new TlsCertificateConfig.Sds("client-cert"));
    assertThat(first.secrets()).containsOnlyKeys("gateway-cert", "client-cert", "static-ca")
        .containsEntry("static-ca", staticCa);
    assertThat(privateKeyOf(first, "gateway-cert")).isEqualTo(new DataSource.InlineString("KEY-1"));
    assertThat(stats.counterValues()).containsEntry("sds.gateway-cert.update_success", 1L);

    int published = watcher.size();
    cp.set(snapshot("3", clusters, assignments, listeners, routes,
        List.of(certificate("gateway-cert", "CHAIN", "KEY-2"), clientCert)));
    ConfigSnapshot rotated = watcher.await(published,
        s -> new DataSource.InlineString("KEY-2").equals(privateKeyOf(s, "gateway-cert")), WAIT);
    assertThat(rotated.listeners()).isEqualTo(first.listeners());
    assertThat(rotated.clusters()).isEqualTo(first.clusters());
    assertThat(rotated.secrets()).containsEntry("client-cert", first.secrets().get("client-cert"));
    assertThat(client.configDumpJson()).contains("gateway-cert").doesNotContain("KEY-2").doesNotContain("CLIENT-KEY");
  }

  @Test
  void secretsNothingReferencesAreUnsubscribedAndLeaveTheSnapshot() throws Exception {
    List<Secret> secrets = List.of(certificate("cert-a", "A", "KEY-A"), certificate("cert-b", "B", "KEY-B"));
    cp.set(snapshot("1", List.of(edsCluster("backend")), List.of(endpoints("backend", "10.0.0.1:8080")),
        List.of(tlsListener("web", 10443, "web-routes", "cert-a")), List.of(route("web-routes", "/", "backend")),
        secrets));
    start(options(cp.target(), Duration.ZERO));
    assertThat(initial().secrets()).containsOnlyKeys("cert-a");

    cp.set(snapshot("2", List.of(edsCluster("backend")), List.of(endpoints("backend", "10.0.0.1:8080")),
        List.of(tlsListener("web", 10443, "web-routes", "cert-b")), List.of(route("web-routes", "/", "backend")),
        secrets));
    ConfigSnapshot moved = next(s -> s.secrets().containsKey("cert-b"));
    assertThat(moved.secrets()).containsOnlyKeys("cert-b");
    assertThat(listenerNamed(moved, "web").orElseThrow().filterChains().get(0).tls().commonTlsContext()
        .certificate()).isEqualTo(new TlsCertificateConfig.Sds("cert-b"));
    awaitUnsubscribed(SDS, "cert-a");
    assertThat(client.secrets()).containsOnlyKeys("cert-b");
  }

  @Test
  void aListenerWhoseSecretNeverComesIsServedAfterTheSecretsInitialFetchTimeout() throws Exception {
    ConfigSource sds = ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
        .setInitialFetchTimeout(com.google.protobuf.Duration.newBuilder().setNanos(200_000_000)).build();
    cp.set(snapshot("1", List.of(edsCluster("backend")), List.of(endpoints("backend", "10.0.0.1:8080")),
        List.of(tlsListener("web", 10443, "web-routes", "late-cert", sds)),
        List.of(route("web-routes", "/", "backend"))));
    start(options(cp.target(), Duration.ZERO));
    ConfigSnapshot s = initial();
    assertThat(hasListener(s, "web")).isTrue();
    assertThat(s.secrets()).doesNotContainKey("late-cert");
    assertThat(stats.counterValues()).containsEntry("sds.late-cert.init_fetch_timeout", 1L);
    assertThat(client.configDumpJson()).contains("DOES_NOT_EXIST");
  }

  @Test
  void unknownStaticSecretsAndTcpProxyClustersAreNackedAsInTheBootstrap() throws Exception {
    cp.set(web("1", "/", "10.0.0.1:8080"));
    start(options(cp.target(), Duration.ZERO));
    ConfigSnapshot before = initial();

    Listener plain = listener("tls", 10443, "web-routes");
    // Without sds_config the reference names a static secret, and there is none.
    Listener staticRef = plain.toBuilder().setFilterChains(0, plain.getFilterChains(0).toBuilder()
        .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(
            Any.pack(DownstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
                .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName("no-such-secret")))
                .build())))).build();
    cp.set(snapshot("2", List.of(edsCluster("backend")), List.of(endpoints("backend", "10.0.0.1:8080")),
        List.of(listener("web", 10080, "web-routes"), staticRef, tcpListener("tcp", 10090, "ghost")),
        List.of(route("web-routes", "/", "backend"))));
    awaitNack(LDS, "Listener 'tcp': filter_chains[0].filters[0].typed_config.cluster: unknown cluster 'ghost': no"
        + " static or CDS cluster of that name exists");
    awaitNack(LDS, "Listener 'tls': filter_chains[0].transport_socket.typed_config.common_tls_context"
        + ".tls_certificate_sds_secret_configs[0].name: unknown static secret 'no-such-secret': no secret of that"
        + " name is defined in static_resources.secrets");
    assertThat(client.currentSnapshot()).contains(before);
  }

  @Test
  void secretsThatStaticListenersFetchOverAdsAreSubscribedToo() throws Exception {
    ListenerConfig edge = new ListenerConfig("edge", new SocketAddressConfig("127.0.0.1", 10444), List.of(
        new FilterChainConfig("tls", FilterChainMatchConfig.ANY, DownstreamTlsConfig.of(new CommonTlsConfig(
            TlsParamsConfig.DEFAULT, List.of(new TlsCertificateConfig.Sds("edge-cert")), null, List.of())),
            TcpProxyConfig.to("edge", "xds_cluster"))));
    cp.set(snapshot("1", List.of(edsCluster("backend")), List.of(endpoints("backend", "10.0.0.1:8080")),
        List.of(listener("web", 10080, "web-routes")), List.of(route("web-routes", "/", "backend")),
        List.of(certificate("edge-cert", "EDGE", "EDGE-KEY"))));
    start(options(cp.target(), Duration.ZERO).staticResources(List.of(edge), List.of(STATIC_CLUSTER)));
    awaitSubscribed(SDS, "edge-cert");
    ConfigSnapshot s = next(snapshot -> snapshot.secrets().containsKey("edge-cert"));
    assertThat(s.listeners()).contains(edge);
  }
}
