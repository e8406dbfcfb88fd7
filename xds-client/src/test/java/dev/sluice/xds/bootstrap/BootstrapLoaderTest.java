package dev.sluice.xds.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.AppendAction;
import dev.sluice.config.BootstrapConfig;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.CodecType;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.HeaderMatchConfig;
import dev.sluice.config.HeaderValueOption;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.PathMatchConfig;
import dev.sluice.config.QueryParamMatchConfig;
import dev.sluice.config.RouteActionConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.RouteRuleConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.config.StringMatch;
import dev.sluice.config.VirtualHostConfig;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapLoaderTest {

  static Path resource(String name) throws URISyntaxException {
    return Path.of(BootstrapLoaderTest.class.getResource("/bootstrap/" + name).toURI());
  }

  static HttpConnectionManagerConfig hcm(BootstrapConfig config, int listener) {
    return (HttpConnectionManagerConfig) config.listeners().get(listener).filterChains().get(0).terminalFilter();
  }

  @Test
  void fullYamlDecodesEveryField() throws Exception {
    BootstrapConfig config = BootstrapLoader.load(resource("full.yaml")).config();

    assertThat(config.node().id()).isEqualTo("node-1");
    assertThat(config.node().cluster()).isEqualTo("edge");
    assertThat(config.node().metadata()).containsExactlyInAnyOrderEntriesOf(
        Map.of("ISTIO_VERSION", "1.22.0", "replicas", "3", "canary", "true", "labels", "{\"app\":\"web\"}"));
    assertThat(config.admin()).hasValueSatisfying(a ->
        assertThat(a.address()).isEqualTo(new SocketAddressConfig("127.0.0.1", 9901)));

    ListenerConfig listener = config.listeners().get(0);
    assertThat(listener.name()).isEqualTo("http");
    assertThat(listener.address()).isEqualTo(new SocketAddressConfig("0.0.0.0", 8080));
    assertThat(listener.filterChains()).singleElement().satisfies(c -> assertThat(c.name()).isEqualTo("main"));

    HttpConnectionManagerConfig hcm = hcm(config, 0);
    assertThat(hcm.statPrefix()).isEqualTo("ingress_http");
    assertThat(hcm.codecType()).isEqualTo(CodecType.HTTP1);
    assertThat(hcm.maxRequestHeadersKb()).isEqualTo(96);
    assertThat(hcm.maxHeadersCount()).isEqualTo(200);
    assertThat(hcm.idleTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(hcm.streamIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(hcm.requestTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(hcm.generateRequestId()).isFalse();

    RouteConfig routes = hcm.routeConfig();
    assertThat(routes.name()).isEqualTo("local_route");
    assertThat(routes.headers().requestHeadersToAdd()).containsExactly(HeaderValueOption.append("x-config", "top"));
    assertThat(routes.headers().responseHeadersToRemove()).containsExactly("x-internal");

    VirtualHostConfig vh = routes.virtualHosts().get(0);
    assertThat(vh.name()).isEqualTo("web");
    assertThat(vh.domains()).containsExactly("example.com", "*.example.com");
    // "%%" is Envoy's escape for a literal percent sign.
    assertThat(vh.headers().responseHeadersToAdd()).containsExactly(
        new HeaderValueOption("x-vh", "100% web", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD, true));
    assertThat(vh.routes()).hasSize(5);

    RouteRuleConfig api = vh.routes().get(0);
    assertThat(api.name()).isEqualTo("api");
    assertThat(api.match().path()).isEqualTo(new PathMatchConfig.Prefix("/api/"));
    assertThat(api.match().caseSensitive()).isFalse();
    assertThat(api.match().headers()).containsExactly(
        // A plain YAML `yes` in a string field stays the string "yes".
        HeaderMatchConfig.value("x-canary", new StringMatch.Exact("yes", true)),
        new HeaderMatchConfig("x-debug", null, true, true, false),
        HeaderMatchConfig.value("x-legacy", new StringMatch.Prefix("v1", false)),
        HeaderMatchConfig.present("x-any", true));
    assertThat(api.match().queryParameters()).hasSize(2);
    QueryParamMatchConfig tenant = api.match().queryParameters().get(0);
    assertThat(tenant.name()).isEqualTo("tenant");
    assertThat(((StringMatch.Regex) tenant.valueMatch()).regex().regex()).isEqualTo("[a-z]+");
    assertThat(api.match().queryParameters().get(1)).isEqualTo(new QueryParamMatchConfig("trace", null));
    RouteActionConfig.Forward split = (RouteActionConfig.Forward) api.action();
    assertThat(split.isWeighted()).isTrue();
    assertThat(split.clusters()).extracting(RouteActionConfig.WeightedCluster::name, RouteActionConfig.WeightedCluster::weight)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("api-v1", 90), org.assertj.core.groups.Tuple.tuple("api-v2", 10));
    // append: false means overwrite (Envoy's header_parser.cc).
    assertThat(split.clusters().get(1).headers().requestHeadersToAdd())
        .containsExactly(HeaderValueOption.overwrite("x-version", "v2"));
    assertThat(split.prefixRewrite()).isEqualTo("/");
    assertThat(split.timeout()).isEqualTo(Duration.ofSeconds(2));

    RouteActionConfig.Redirect redirect = (RouteActionConfig.Redirect) vh.routes().get(1).action();
    assertThat(vh.routes().get(1).match().path()).isEqualTo(new PathMatchConfig.Exact("/old"));
    assertThat(redirect).isEqualTo(new RouteActionConfig.Redirect("https", "new.example.com", 8443, "/new", null, 308, true));

    RouteRuleConfig items = vh.routes().get(2);
    assertThat(((PathMatchConfig.Regex) items.match().path()).regex().regex()).isEqualTo("^/items/[0-9]+$");
    RouteActionConfig.Forward rewrite = (RouteActionConfig.Forward) items.action();
    assertThat(rewrite.clusters()).singleElement().satisfies(c -> assertThat(c.name()).isEqualTo("api-v1"));
    assertThat(rewrite.regexRewrite().pattern().regex()).isEqualTo("^/items/([0-9]+)$");
    assertThat(rewrite.regexRewrite().substitution()).isEqualTo("/item?id=\\1");
    assertThat(rewrite.hostRewriteLiteral()).isEqualTo("items.internal");

    RouteRuleConfig health = vh.routes().get(3);
    assertThat(health.match().path()).isEqualTo(new PathMatchConfig.SeparatedPrefix("/health"));
    assertThat(health.action()).isEqualTo(new RouteActionConfig.DirectResponse(200, "ok"));

    RouteRuleConfig fallback = vh.routes().get(4);
    RouteActionConfig.Forward web = (RouteActionConfig.Forward) fallback.action();
    assertThat(web.autoHostRewrite()).isTrue();
    assertThat(fallback.headers().requestHeadersToRemove()).containsExactly("x-drop");

    assertThat(config.clusters()).extracting(ClusterConfig::name).containsExactly("api-v1", "api-v2", "web");
    ClusterConfig v1 = config.clusters().get(0);
    assertThat(v1.type()).isEqualTo(ClusterConfig.DiscoveryType.STATIC);
    assertThat(v1.connectTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(v1.lbPolicy()).isEqualTo(ClusterConfig.LbPolicy.LEAST_REQUEST);
    assertThat(v1.endpoints()).containsExactly(
        new EndpointConfig(new SocketAddressConfig("10.0.0.1", 8000), 3),
        new EndpointConfig(new SocketAddressConfig("::1", 8001), 1));
    ClusterConfig dns = config.clusters().get(2);
    assertThat(dns.type()).isEqualTo(ClusterConfig.DiscoveryType.STRICT_DNS);
    assertThat(dns.lbPolicy()).isEqualTo(ClusterConfig.LbPolicy.RANDOM);
    assertThat(dns.dnsRefreshRate()).isEqualTo(Duration.ofSeconds(10));
    assertThat(dns.maxRequestsPerConnection()).isEqualTo(100);
    assertThat(dns.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(dns.endpoints()).containsExactly(EndpointConfig.of("web.internal", 80));
  }

  @Test
  void sameBootstrapInJsonDecodesToTheSameModel() throws Exception {
    BootstrapConfig yaml = BootstrapLoader.load(resource("full.yaml")).config();
    // full.json is indented with tabs and uses JSON's "\/" escape, neither of which is YAML.
    BootstrapConfig json = BootstrapLoader.load(resource("full.json")).config();
    assertThat(json).isEqualTo(yaml);
  }

  @Test
  void camelCaseJsonNamesAreAccepted() throws Exception {
    BootstrapConfig yaml = BootstrapLoader.load(resource("full.yaml")).config();
    BootstrapConfig camel = BootstrapLoader.load(resource("full-camel.json")).config();
    assertThat(camel).isEqualTo(yaml);
  }

  @Test
  void contentIsSniffedWhenTheExtensionSaysNothing(@TempDir Path dir) throws Exception {
    Path json = Files.copy(resource("full.json"), dir.resolve("bootstrap.conf"));
    Path yaml = Files.copy(resource("full.yaml"), dir.resolve("bootstrap"));
    assertThat(BootstrapLoader.load(json).config()).isEqualTo(BootstrapLoader.load(yaml).config());
  }

  @Test
  void envoyDefaultsApplyWhenFieldsAreUnset() throws Exception {
    BootstrapConfig config = BootstrapLoader.parse(Bootstraps.minimal(), "test").config();

    assertThat(config.node().id()).isEmpty();
    assertThat(config.admin()).isEmpty();
    HttpConnectionManagerConfig hcm = hcm(config, 0);
    assertThat(hcm.codecType()).isEqualTo(CodecType.AUTO);
    assertThat(hcm.maxRequestHeadersKb()).isEqualTo(60);
    assertThat(hcm.maxHeadersCount()).isEqualTo(100);
    assertThat(hcm.idleTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(hcm.streamIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(hcm.requestTimeout()).isZero();
    assertThat(hcm.generateRequestId()).isTrue();

    RouteRuleConfig route = hcm.routeConfig().virtualHosts().get(0).routes().get(0);
    assertThat(route.match().caseSensitive()).isTrue();
    RouteActionConfig.Forward forward = (RouteActionConfig.Forward) route.action();
    assertThat(forward).isEqualTo(RouteActionConfig.Forward.to("backend"));
    assertThat(forward.timeout()).isEqualTo(Duration.ofSeconds(15));

    ClusterConfig cluster = config.clusters().get(0);
    assertThat(cluster).isEqualTo(ClusterConfig.ofStatic("backend", List.of(EndpointConfig.of("127.0.0.1", 9000))));
    assertThat(cluster.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(cluster.dnsRefreshRate()).isEqualTo(Duration.ofSeconds(5));
    assertThat(cluster.idleTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(cluster.endpoints().get(0).weight()).isEqualTo(1);
  }

  @Test
  void configYamlIsMergedOverTheFileLikeProtoMergeFrom(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("envoy.yaml"), Bootstraps.minimal());
    String overlay = """
        node: {id: sidecar~10.0.0.5~web.default~default.svc.cluster.local}
        static_resources:
          clusters:
          - name: extra
            connect_timeout: 1s
            load_assignment:
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 10.1.1.1, port_value: 80}}}
        """;

    BootstrapConfig config = BootstrapLoader.load(file, overlay).config();

    // Scalars are replaced, repeated fields appended, untouched parts kept.
    assertThat(config.node().id()).isEqualTo("sidecar~10.0.0.5~web.default~default.svc.cluster.local");
    assertThat(config.clusters()).extracting(ClusterConfig::name).containsExactly("backend", "extra");
    assertThat(config.clusters().get(1).connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.listeners()).extracting(ListenerConfig::name).containsExactly("listener_0");
  }

  @Test
  void configYamlErrorsAreReportedTogetherWithFileErrors(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("envoy.yaml"), "node: {idd: x}\n");
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> BootstrapLoader.load(file, "admin: {adress: {}}"));
    assertThat(e.errors()).hasSize(2);
    assertThat(e.errors().get(0)).startsWith(file + ": node.idd: unknown field");
    assertThat(e.errors().get(1)).startsWith("--config-yaml: admin.adress: unknown field (did you mean 'address'?)");
  }

  @Test
  void configDumpIsTheEnvoyJsonOfTheMergedBootstrap(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("envoy.yaml"), Bootstraps.minimal());
    String dump = BootstrapLoader.load(file, "node: {id: merged}").configDumpJson();
    assertThat(dump)
        .contains("\"id\": \"merged\"")
        .contains("\"@type\": \"type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3"
            + ".HttpConnectionManager\"")
        .contains("\"static_resources\"");
  }

  @Test
  void toleratedFieldsAreAcceptedAndDoNotChangeTheModel() throws Exception {
    String tolerated = Bootstraps.minimal() + """
        layered_runtime:
          layers:
          - name: static
            static_layer: {overload.global_downstream_max_connections: 2147483647}
        stats_flush_interval: 10s
        admin:
          access_log_path: /dev/null
        """;
    assertThat(BootstrapLoader.parse(tolerated, "test").config())
        .isEqualTo(BootstrapLoader.parse(Bootstraps.minimal(), "test").config());
  }

  @Test
  void directResponseBodyIsReadFromFile(@TempDir Path dir) throws Exception {
    Path body = Files.writeString(dir.resolve("body.txt"), "maintenance");
    String yaml = Bootstraps.withRoute("""
        - match: {prefix: /}
          direct_response: {status: 503, body: {filename: "%s"}}
        """.formatted(body));
    RouteRuleConfig route = hcm(BootstrapLoader.parse(yaml, "test").config(), 0)
        .routeConfig().virtualHosts().get(0).routes().get(0);
    assertThat(route.action()).isEqualTo(new RouteActionConfig.DirectResponse(503, "maintenance"));
  }

  @Test
  void yamlAnchorsAndMergeKeysWork() throws Exception {
    String yaml = Bootstraps.file(List.of(Bootstraps.listener("listener_0", 10000, Bootstraps.DEFAULT_ROUTES)), List.of(
        Bootstraps.cluster("backend", "127.0.0.1"),
        """
        - &base
          name: other
          connect_timeout: 2s
          load_assignment: {endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 10.0.0.9, port_value: 1}}}}]}]}
        - <<: *base
          name: third
        """));
    BootstrapConfig config = BootstrapLoader.parse(yaml, "test").config();
    assertThat(config.clusters()).extracting(ClusterConfig::name).containsExactly("backend", "other", "third");
    assertThat(config.clusters().get(2).connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.clusters().get(2).endpoints()).isEqualTo(config.clusters().get(1).endpoints());
  }
}
