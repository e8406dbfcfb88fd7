package dev.sluice.perf.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * The xDS resources the benchmark pushes, as a management server sends them.
 *
 * <p>Route tables follow the layout of the JMH route benchmarks ({@code bench.SyntheticRoutes},
 * VHOSTS): ten routes per virtual host {@code vh<k>.example.com} (plus {@code *.vh<k>.example.com}),
 * route {@code g} being one of five shapes — {@code prefix /s<g>/}, {@code path /api/e<g>},
 * {@code prefix /t<g>/} with header {@code x-tenant: t<g>}, {@code path_separated_prefix /p<g>},
 * {@code prefix /h<g>/} with a present and a prefix header matcher. Every route forwards to
 * {@link #STEADY_CLUSTER}. Two extra virtual hosts route to the clusters that the CDS and EDS
 * scenarios probe.
 */
final class XdsBenchResources {
  static final String ROUTE_CONFIG = "bench-routes";
  static final String LISTENER = "bench";
  /** The cluster every synthetic route forwards to. */
  static final String STEADY_CLUSTER = "steady";
  static final String CDS_HOST = "cds.example.com";
  static final String EDS_HOST = "eds.example.com";
  /** The EDS scenario's probed cluster: one live endpoint beside the bulk of unreachable ones. */
  static final String EDS_PROBE_CLUSTER = "eds-probe";
  static final int ROUTES_PER_VHOST = 10;

  private XdsBenchResources() {}

  private static ConfigSource ads() {
    // initial_fetch_timeout 0: no timer, the resource warms until it arrives.
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
        .setInitialFetchTimeout(Duration.getDefaultInstance()).build();
  }

  static Listener listener(int port) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix(LISTENER)
        .setCodecType(HttpConnectionManager.CodecType.HTTP1)
        .setRds(Rds.newBuilder().setRouteConfigName(ROUTE_CONFIG).setConfigSource(ads()))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    return Listener.newBuilder().setName(LISTENER)
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1")
            .setPortValue(port)))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm))))
        .build();
  }

  /**
   * {@code routes} synthetic routes plus {@code extra} (added at the end of the last synthetic
   * virtual host, which must exist), and the two probe virtual hosts.
   */
  static RouteConfiguration routes(int routes, List<Route> extra, String cdsCluster) {
    RouteConfiguration.Builder b = RouteConfiguration.newBuilder().setName(ROUTE_CONFIG);
    int vhosts = Math.max(1, (routes + ROUTES_PER_VHOST - 1) / ROUTES_PER_VHOST);
    for (int k = 0, g = 0; k < vhosts; k++) {
      VirtualHost.Builder vh = VirtualHost.newBuilder().setName("vh" + k)
          .addDomains(vhostDomain(k)).addDomains("*.vh" + k + ".example.com");
      for (int i = 0; i < ROUTES_PER_VHOST && g < routes; i++, g++) {
        vh.addRoutes(synthetic(g));
      }
      if (k == vhosts - 1) {
        vh.addAllRoutes(extra);
      }
      b.addVirtualHosts(vh);
    }
    b.addVirtualHosts(VirtualHost.newBuilder().setName("cds").addDomains(CDS_HOST)
        .addRoutes(prefix("cds", "/", cdsCluster)));
    b.addVirtualHosts(VirtualHost.newBuilder().setName("eds").addDomains(EDS_HOST)
        .addRoutes(prefix("eds", "/", EDS_PROBE_CLUSTER)));
    return b.build();
  }

  /** The Host header that reaches the last synthetic virtual host of a table of {@code routes}. */
  static String lastVhostDomain(int routes) {
    return vhostDomain(Math.max(1, (routes + ROUTES_PER_VHOST - 1) / ROUTES_PER_VHOST) - 1);
  }

  static String vhostDomain(int k) {
    return "vh" + k + ".example.com";
  }

  static Route prefix(String name, String prefix, String cluster) {
    return Route.newBuilder().setName(name).setMatch(RouteMatch.newBuilder().setPrefix(prefix))
        .setRoute(RouteAction.newBuilder().setCluster(cluster)).build();
  }

  private static Route synthetic(int g) {
    RouteMatch.Builder m = RouteMatch.newBuilder();
    switch (g % 5) {
      case 0 -> m.setPrefix("/s" + g + "/");
      case 1 -> m.setPath("/api/e" + g);
      case 2 -> m.setPrefix("/t" + g + "/").addHeaders(HeaderMatcher.newBuilder().setName("x-tenant")
          .setStringMatch(StringMatcher.newBuilder().setExact("t" + g)));
      case 3 -> m.setPathSeparatedPrefix("/p" + g);
      default -> m.setPrefix("/h" + g + "/")
          .addHeaders(HeaderMatcher.newBuilder().setName("x-canary").setPresentMatch(true))
          .addHeaders(HeaderMatcher.newBuilder().setName("user-agent")
              .setStringMatch(StringMatcher.newBuilder().setPrefix("bench")));
    }
    return Route.newBuilder().setName("r" + g).setMatch(m)
        .setRoute(RouteAction.newBuilder().setCluster(STEADY_CLUSTER)).build();
  }

  /** A path that synthetic route {@code g} of shape 0 ({@code g % 5 == 0}) matches. */
  static String prefixRoutePath(int g) {
    if (g % 5 != 0) {
      throw new IllegalArgumentException("route " + g + " is not a plain prefix route");
    }
    return "/s" + g + "/x";
  }

  /** An EDS cluster; {@code connectTimeoutMillis} lets an update change every cluster. */
  static Cluster edsCluster(String name, int connectTimeoutMillis) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
        .setConnectTimeout(Duration.newBuilder().setSeconds(connectTimeoutMillis / 1000)
            .setNanos((connectTimeoutMillis % 1000) * 1_000_000))
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()))
        .build();
  }

  /** One locality of endpoints {@code hosts[i]:ports[i]}. */
  static ClusterLoadAssignment endpoints(String cluster, List<String> hosts, List<Integer> ports) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
    for (int i = 0; i < hosts.size(); i++) {
      locality.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(
          Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(hosts.get(i))
              .setPortValue(ports.get(i))))));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(locality).build();
  }

  static ClusterLoadAssignment loopback(String cluster, int port) {
    return endpoints(cluster, List.of("127.0.0.1"), List.of(port));
  }

  /**
   * {@code count} distinct endpoints of bulk cluster {@code index}: addresses in 10.0.0.0/8 that
   * nothing ever connects to (no route leads to these clusters), all on {@code port}, so that
   * changing the port changes every endpoint.
   */
  static ClusterLoadAssignment bulkEndpoints(String cluster, int index, int count, int port) {
    List<String> hosts = new ArrayList<>(count);
    List<Integer> ports = new ArrayList<>(count);
    for (int j = 0; j < count; j++) {
      hosts.add("10." + (index % 256) + "." + (j / 256 % 256) + "." + (j % 256));
      ports.add(port + j / 65536);
    }
    return endpoints(cluster, hosts, ports);
  }
}
