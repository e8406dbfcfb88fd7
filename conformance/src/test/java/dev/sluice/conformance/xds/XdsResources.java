package dev.sluice.conformance.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
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
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import java.util.List;

/** The xDS resources of one HTTP listener routing to one EDS cluster, as a management server sends them. */
public final class XdsResources {
  private XdsResources() {}

  private static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
        .setInitialFetchTimeout(Duration.getDefaultInstance()).build();
  }

  public static Listener listener(String name, int port, String routeConfig) {
    return listener(name, port, routeConfig, HttpConnectionManager.CodecType.AUTO);
  }

  public static Listener listener(String name, int port, String routeConfig, HttpConnectionManager.CodecType codec) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setStatPrefix(name).setCodecType(codec)
        .setRds(Rds.newBuilder().setRouteConfigName(routeConfig).setConfigSource(ads()))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    return Listener.newBuilder().setName(name)
        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1")
            .setPortValue(port)))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm))))
        .build();
  }

  public static RouteConfiguration prefixRoute(String name, String prefix, String cluster) {
    return route(name, RouteMatch.newBuilder().setPrefix(prefix), cluster);
  }

  public static RouteConfiguration regexRoute(String name, String regex, String cluster) {
    return route(name, RouteMatch.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(regex)), cluster);
  }

  private static RouteConfiguration route(String name, RouteMatch.Builder match, String cluster) {
    return RouteConfiguration.newBuilder().setName(name)
        .addVirtualHosts(VirtualHost.newBuilder().setName("all").addDomains("*")
            .addRoutes(Route.newBuilder().setMatch(match).setRoute(RouteAction.newBuilder().setCluster(cluster))))
        .build();
  }

  public static Cluster edsCluster(String name) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
        .setConnectTimeout(Duration.newBuilder().setSeconds(1))
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()))
        .build();
  }

  public static ClusterLoadAssignment endpoints(String cluster, int... ports) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
    for (int port : ports) {
      locality.addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(
          Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1")
              .setPortValue(port)))));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(locality).build();
  }

  /** Listener {@code web} on {@code port}: {@code route} in front of cluster {@code backend} with {@code endpoint}. */
  public static Snapshot web(String version, int port, RouteConfiguration route, int endpointPort) {
    return Snapshot.create(List.of(edsCluster("backend")), List.of(endpoints("backend", endpointPort)),
        List.of(listener("web", port, route.getName())), List.of(route), List.of(), version);
  }
}
