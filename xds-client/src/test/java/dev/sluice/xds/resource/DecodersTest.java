package dev.sluice.xds.resource;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.sluice.config.AppendAction;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.HeaderValueOption;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.StringMatch;
import dev.sluice.xds.internal.EnvoyTypeRegistry;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import org.junit.jupiter.api.Test;

/** The decoders as the ADS client will use them: one resource proto, a path prefix, a context. */
class DecodersTest {

  static RouteConfiguration routeTo(String cluster, Route.Builder... extra) {
    VirtualHost.Builder vh = VirtualHost.newBuilder().setName("vh").addDomains("*")
        .addRoutes(Route.newBuilder()
            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .setRoute(RouteAction.newBuilder().setCluster(cluster)));
    for (Route.Builder r : extra) {
      vh.addRoutes(r);
    }
    return RouteConfiguration.newBuilder().setName("rds-route").addVirtualHosts(vh).build();
  }

  static Address address(String host, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port))
        .build();
  }

  static Cluster.Builder staticCluster(String name, String host) {
    return Cluster.newBuilder().setName(name).setLoadAssignment(ClusterLoadAssignment.newBuilder()
        .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
            .setEndpoint(Endpoint.newBuilder().setAddress(address(host, 80))))));
  }

  @Test
  void rdsResourcesDoNotValidateClustersUnlessAsked() {
    DecodeContext ctx = new DecodeContext("RDS rds-route");
    assertThat(RouteConfigDecoder.decode(routeTo("later"), "", ctx)).isPresent();
    assertThat(ctx.clusterReferences()).isEmpty();

    RouteConfiguration validated = routeTo("later").toBuilder().setValidateClusters(BoolValue.of(true)).build();
    assertThat(RouteConfigDecoder.decode(validated, "", ctx)).isPresent();
    assertThat(ctx.clusterReferences())
        .containsExactly(new ClusterReference("virtual_hosts[0].routes[0].route.cluster", "later"));
  }

  @Test
  void errorsWithAnEmptyPathPrefixReadAsNackMessages() {
    DecodeContext ctx = new DecodeContext("CDS ring");
    Cluster cluster = staticCluster("ring", "10.0.0.1").setLbPolicy(Cluster.LbPolicy.RING_HASH).build();
    assertThat(ClusterDecoder.decode(cluster, "", ctx)).isEmpty();
    assertThat(ctx.errors()).containsExactly(
        "CDS ring: lb_policy: lb_policy RING_HASH is not supported by Sluice (supported: ROUND_ROBIN, LEAST_REQUEST,"
            + " RANDOM)");
  }

  @Test
  void toleratedFieldsWarnAndDecode() {
    DecodeContext ctx = new DecodeContext("CDS web");
    Cluster cluster = staticCluster("web", "10.0.0.1")
        .setPerConnectionBufferLimitBytes(UInt32Value.of(32768))
        .build();
    assertThat(ClusterDecoder.decode(cluster, "", ctx)).hasValueSatisfying(c ->
        assertThat(c).isEqualTo(ClusterConfig.ofStatic("web", c.endpoints())));
    assertThat(ctx.errors()).isEmpty();
    assertThat(ctx.warnings()).containsExactly(
        "CDS web: per_connection_buffer_limit_bytes: ignored by Sluice: a soft buffer watermark; Sluice applies its"
            + " own bounded backpressure");
  }

  @Test
  void dnsLookupFamilyIsDecoded() {
    DecodeContext ctx = new DecodeContext("CDS web");
    Cluster cluster = staticCluster("web", "10.0.0.1").setDnsLookupFamily(Cluster.DnsLookupFamily.V4_ONLY).build();
    assertThat(ClusterDecoder.decode(cluster, "", ctx)).hasValueSatisfying(c ->
        assertThat(c.dnsLookupFamily()).isEqualTo(ClusterConfig.DnsLookupFamily.V4_ONLY));
    assertThat(ctx.warnings()).isEmpty();
  }

  @Test
  void everyToleratedFieldExists() {
    for (String key : ToleratedFields.all()) {
      int dot = key.lastIndexOf('.');
      Descriptor type = EnvoyTypeRegistry.get().find(key.substring(0, dot));
      assertThat(type).as(key).isNotNull();
      assertThat(type.findFieldByName(key.substring(dot + 1))).as(key).isNotNull();
    }
  }

  @Test
  @SuppressWarnings("deprecation") // the deprecated append field is what is under test
  void headerAppendFollowsEnvoysRules() {
    Route.Builder route = Route.newBuilder()
        .setMatch(RouteMatch.newBuilder().setPrefix("/h"))
        .setRoute(RouteAction.newBuilder().setCluster("c"))
        .addRequestHeadersToAdd(option("unset"))
        .addRequestHeadersToAdd(option("append-true").setAppend(BoolValue.of(true)))
        .addRequestHeadersToAdd(option("append-false").setAppend(BoolValue.of(false)))
        .addRequestHeadersToAdd(option("action").setAppendAction(
            io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction.ADD_IF_ABSENT));
    DecodeContext ctx = new DecodeContext("RDS");
    RouteConfig config = RouteConfigDecoder.decode(routeTo("c", route), "", ctx).orElseThrow();
    assertThat(config.virtualHosts().get(0).routes().get(1).headers().requestHeadersToAdd()).containsExactly(
        HeaderValueOption.append("unset", "v"),
        HeaderValueOption.append("append-true", "v"),
        HeaderValueOption.overwrite("append-false", "v"),
        new HeaderValueOption("action", "v", AppendAction.ADD_IF_ABSENT, false));
  }

  private static io.envoyproxy.envoy.config.core.v3.HeaderValueOption.Builder option(String key) {
    return io.envoyproxy.envoy.config.core.v3.HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(key).setValue("v"));
  }

  @Test
  void ignoreCaseHasNoEffectOnSafeRegexAsInEnvoy() {
    Route.Builder route = Route.newBuilder()
        .setMatch(RouteMatch.newBuilder().setPrefix("/r").addHeaders(HeaderMatcher.newBuilder().setName("x")
            .setStringMatch(StringMatcher.newBuilder()
                .setSafeRegex(RegexMatcher.newBuilder().setRegex("abc"))
                .setIgnoreCase(true))))
        .setRoute(RouteAction.newBuilder().setCluster("c"));
    DecodeContext ctx = new DecodeContext("RDS");
    RouteConfig config = RouteConfigDecoder.decode(routeTo("c", route), "", ctx).orElseThrow();
    StringMatch.Regex regex = (StringMatch.Regex) config.virtualHosts().get(0).routes().get(1)
        .match().headers().get(0).valueMatch();
    assertThat(regex.regex().matchesFully("abc")).isTrue();
    assertThat(regex.regex().matchesFully("ABC")).isFalse();
    assertThat(ctx.warnings()).singleElement().asString()
        .contains("virtual_hosts[0].routes[1].match.headers[0].string_match.ignore_case: ignored");
  }

  @Test
  void absentQueryParameterMatchIsRejectedBecauseTheModelCannotSayIt() {
    Route.Builder route = Route.newBuilder()
        .setMatch(RouteMatch.newBuilder().setPrefix("/q")
            .addQueryParameters(QueryParameterMatcher.newBuilder().setName("debug").setPresentMatch(false)))
        .setRoute(RouteAction.newBuilder().setCluster("c"));
    DecodeContext ctx = new DecodeContext("RDS");
    assertThat(RouteConfigDecoder.decode(routeTo("c", route), "", ctx)).isEmpty();
    assertThat(ctx.errors()).containsExactly("RDS: virtual_hosts[0].routes[1].match.query_parameters[0].present_match:"
        + " present_match: false (parameter must be absent) is not supported by Sluice");
  }

  @Test
  @SuppressWarnings("deprecation") // dns_refresh_rate and the cluster-level options are deprecated but served
  void timeoutsAreRangeCheckedAndDoubleSettingsRejected() {
    DecodeContext ctx = new DecodeContext("CDS");
    Cluster cluster = staticCluster("c", "10.0.0.1")
        .setConnectTimeout(Duration.newBuilder().setSeconds(0))
        .setDnsRefreshRate(Duration.newBuilder().setNanos(1_000_000))
        .setMaxRequestsPerConnection(UInt32Value.of(5))
        .setCommonHttpProtocolOptions(HttpProtocolOptions.newBuilder().setMaxRequestsPerConnection(UInt32Value.of(6)))
        .build();
    assertThat(ClusterDecoder.decode(cluster, "", ctx)).isEmpty();
    assertThat(ctx.errors()).containsExactly(
        "CDS: connect_timeout: must be greater than 0s (value: 0s)",
        "CDS: dns_refresh_rate: must be greater than 1ms (value: 0.001s)",
        "CDS: max_requests_per_connection: only one of max_requests_per_connection and"
            + " common_http_protocol_options.max_requests_per_connection may be set");
  }

  @Test
  void listenerDecodesAloneAndRejectsHostnameBindAddresses() {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("in")
        .setRouteConfig(routeTo("anything"))
        .addHttpFilters(HttpFilter.newBuilder().setName("router").setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    Listener.Builder listener = Listener.newBuilder().setName("l")
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName("hcm").setTypedConfig(Any.pack(hcm))));

    DecodeContext ok = new DecodeContext("LDS l");
    ListenerConfig decoded = ListenerDecoder.decode(listener.setAddress(address("::", 8080)).build(), "", ok).orElseThrow();
    assertThat(decoded.address().host()).isEqualTo("::");
    // Inline route tables validate their clusters by default; the references are left for the caller.
    assertThat(ok.clusterReferences()).extracting(ClusterReference::cluster).containsExactly("anything");

    DecodeContext bad = new DecodeContext("LDS l");
    assertThat(ListenerDecoder.decode(listener.setAddress(address("localhost", 8080)).build(), "", bad)).isEmpty();
    assertThat(bad.errors()).containsExactly("LDS l: address.socket_address.address: malformed IP address:"
        + " 'localhost' (a bind address must be an IP address)");
  }

  @Test
  void ipLiteralsAreRecognisedWithoutDns() {
    assertThat(AddressDecoder.isIpLiteral("10.0.0.1")).isTrue();
    assertThat(AddressDecoder.isIpLiteral("::1")).isTrue();
    assertThat(AddressDecoder.isIpLiteral("::ffff:10.0.0.1")).isTrue();
    assertThat(AddressDecoder.isIpLiteral("010.0.0.1")).isFalse();
    assertThat(AddressDecoder.isIpLiteral("256.0.0.1")).isFalse();
    assertThat(AddressDecoder.isIpLiteral("example.com")).isFalse();
    assertThat(AddressDecoder.isIpLiteral("face:book")).isFalse();
    assertThat(AddressDecoder.canonicalIp("0:0:0:0:0:0:0:0")).isEqualTo(AddressDecoder.canonicalIp("::"));
  }
}
