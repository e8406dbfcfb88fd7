package dev.sluice.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.PathMatchConfig;
import dev.sluice.config.RouteActionConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.SecretConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.snapshot.ConfigSnapshot;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
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
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import java.util.List;
import java.util.Optional;

/** Envoy resources for tests, small and named after what they do. */
final class TestResources {
  private TestResources() {}

  static ConfigSource ads() {
    return ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
        .setInitialFetchTimeout(Duration.getDefaultInstance()) // no timeout: tests decide when things arrive
        .build();
  }

  static HttpFilter router() {
    return HttpFilter.newBuilder().setName("envoy.filters.http.router")
        .setTypedConfig(Any.pack(Router.getDefaultInstance())).build();
  }

  /** A listener on {@code port} whose connection manager takes its routes from RDS {@code routeConfig}. */
  static Listener listener(String name, int port, String routeConfig, HttpFilter... extraFilters) {
    HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix(name)
        .setRds(Rds.newBuilder().setRouteConfigName(routeConfig).setConfigSource(ads()));
    for (HttpFilter f : extraFilters) {
      hcm.addHttpFilters(f);
    }
    hcm.addHttpFilters(router());
    return Listener.newBuilder()
        .setName(name)
        .setAddress(address("127.0.0.1", port))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName("envoy.filters.network.http_connection_manager")
            .setTypedConfig(Any.pack(hcm.build()))))
        .build();
  }

  /** {@link #listener} terminating TLS with the certificate of SDS secret {@code certificate}, fetched over ADS. */
  static Listener tlsListener(String name, int port, String routeConfig, String certificate) {
    return tlsListener(name, port, routeConfig, certificate, ads());
  }

  /** {@link #listener} terminating TLS with the certificate of SDS secret {@code certificate} from {@code sds}. */
  static Listener tlsListener(String name, int port, String routeConfig, String certificate, ConfigSource sds) {
    Listener plain = listener(name, port, routeConfig);
    return plain.toBuilder().setFilterChains(0, plain.getFilterChains(0).toBuilder()
        .setTransportSocket(tls(DownstreamTlsContext.newBuilder()
            .setCommonTlsContext(sdsCertificate(certificate, sds)).build()))).build();
  }

  /** {@link #edsCluster} presenting the client certificate of SDS secret {@code certificate}, fetched over ADS. */
  static Cluster tlsCluster(String name, String certificate) {
    return edsCluster(name).toBuilder().setTransportSocket(tls(UpstreamTlsContext.newBuilder()
        .setCommonTlsContext(sdsCertificate(certificate, ads())).build())).build();
  }

  /** A listener on {@code port} whose TCP proxy sends every connection to {@code cluster}. */
  static Listener tcpListener(String name, int port, String cluster) {
    return Listener.newBuilder()
        .setName(name)
        .setAddress(address("127.0.0.1", port))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder()
            .setName("envoy.filters.network.tcp_proxy")
            .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix(name).setCluster(cluster).build()))))
        .build();
  }

  private static CommonTlsContext sdsCertificate(String secret, ConfigSource sds) {
    return CommonTlsContext.newBuilder().addTlsCertificateSdsSecretConfigs(
        SdsSecretConfig.newBuilder().setName(secret).setSdsConfig(sds)).build();
  }

  private static TransportSocket tls(com.google.protobuf.Message context) {
    return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(context))
        .build();
  }

  /** A certificate secret whose chain and key are the given text. */
  static Secret certificate(String name, String chain, String key) {
    return Secret.newBuilder().setName(name).setTlsCertificate(TlsCertificate.newBuilder()
        .setCertificateChain(DataSource.newBuilder().setInlineString(chain))
        .setPrivateKey(DataSource.newBuilder().setInlineString(key))).build();
  }

  static RouteConfiguration route(String name, String prefix, String cluster) {
    return RouteConfiguration.newBuilder().setName(name)
        .addVirtualHosts(VirtualHost.newBuilder().setName("all").addDomains("*")
            .addRoutes(Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setPrefix(prefix))
                .setRoute(RouteAction.newBuilder().setCluster(cluster))))
        .build();
  }

  static RouteConfiguration regexRoute(String name, String regex, String cluster) {
    return RouteConfiguration.newBuilder().setName(name)
        .addVirtualHosts(VirtualHost.newBuilder().setName("all").addDomains("*")
            .addRoutes(Route.newBuilder()
                .setMatch(RouteMatch.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(regex)))
                .setRoute(RouteAction.newBuilder().setCluster(cluster))))
        .build();
  }

  static Cluster edsCluster(String name) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads()))
        .setConnectTimeout(Duration.newBuilder().setSeconds(1))
        .build();
  }

  /** An assignment for {@code cluster}; each endpoint is "ip:port". */
  static ClusterLoadAssignment endpoints(String cluster, String... ipPorts) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
    for (String ipPort : ipPorts) {
      int colon = ipPort.lastIndexOf(':');
      locality.addLbEndpoints(LbEndpoint.newBuilder()
          .setEndpoint(Endpoint.newBuilder().setAddress(address(ipPort.substring(0, colon),
              Integer.parseInt(ipPort.substring(colon + 1)))))
          .setLoadBalancingWeight(UInt32Value.of(1)));
    }
    return ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(locality).build();
  }

  static Address address(String ip, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
  }

  static Snapshot snapshot(String version, List<Cluster> clusters, List<ClusterLoadAssignment> endpoints,
      List<Listener> listeners, List<RouteConfiguration> routes) {
    return snapshot(version, clusters, endpoints, listeners, routes, List.of());
  }

  static Snapshot snapshot(String version, List<Cluster> clusters, List<ClusterLoadAssignment> endpoints,
      List<Listener> listeners, List<RouteConfiguration> routes, List<Secret> secrets) {
    return Snapshot.create(clusters, endpoints, listeners, routes, secrets, version);
  }

  /** The private key of the certificate secret {@code name} in {@code s}, or null. */
  static dev.sluice.config.DataSource privateKeyOf(ConfigSnapshot s, String name) {
    SecretConfig secret = s.secrets().get(name);
    return secret == null || secret.tlsCertificate() == null ? null : secret.tlsCertificate().privateKey();
  }

  // ---- reading published snapshots

  static Optional<ListenerConfig> listenerNamed(ConfigSnapshot s, String name) {
    return s.listeners().stream().filter(l -> l.name().equals(name)).findFirst();
  }

  /** The route configuration served by the only filter chain of listener {@code name}. */
  static RouteConfig routesOf(ConfigSnapshot s, String name) {
    ListenerConfig l = listenerNamed(s, name).orElseThrow();
    return ((HttpConnectionManagerConfig) l.filterChains().get(0).terminalFilter()).routeConfig();
  }

  /** The cluster the first route of the first virtual host sends to, under listener {@code name}. */
  static String firstRouteCluster(ConfigSnapshot s, String name) {
    RouteActionConfig action = routesOf(s, name).virtualHosts().get(0).routes().get(0).action();
    return ((RouteActionConfig.Forward) action).clusters().get(0).name();
  }

  /** The path prefix of the first route of the first virtual host under listener {@code name}. */
  static String firstRoutePrefix(ConfigSnapshot s, String name) {
    return ((PathMatchConfig.Prefix) routesOf(s, name).virtualHosts().get(0).routes().get(0).match().path()).prefix();
  }

  static List<SocketAddressConfig> endpointsOf(ConfigSnapshot s, String cluster) {
    ClusterConfig c = s.clusters().get(cluster);
    return c == null ? List.of() : c.endpoints().stream().map(EndpointConfig::address).toList();
  }

  static boolean hasListener(ConfigSnapshot s, String name) {
    return listenerNamed(s, name).isPresent();
  }
}
