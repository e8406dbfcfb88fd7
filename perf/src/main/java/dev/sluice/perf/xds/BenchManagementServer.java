package dev.sluice.perf.xds;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * java-control-plane's V3DiscoveryServer over a SimpleCache on 127.0.0.1, serving one snapshot to
 * every node. Each resource type has its own version, so that pushing new routes re-sends RDS
 * only, as a control plane that tracks types separately does. Records the error_detail of every
 * NACK: a benchmark run must have none.
 */
final class BenchManagementServer implements AutoCloseable {
  private static final String GROUP = "all";

  final List<String> nacks = new CopyOnWriteArrayList<>();
  private final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  private final Server server;

  // What is served; changed only by the benchmark's thread.
  private List<Cluster> clusters = List.of();
  private List<ClusterLoadAssignment> endpoints = List.of();
  private List<Listener> listeners = List.of();
  private List<RouteConfiguration> routes = List.of();
  private int clustersVersion;
  private int endpointsVersion;
  private int listenersVersion;
  private int routesVersion;

  BenchManagementServer() throws IOException {
    V3DiscoveryServer discovery = new V3DiscoveryServer(new DiscoveryServerCallbacks() {
      @Override
      public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
        if (request.hasErrorDetail()) {
          nacks.add(request.getTypeUrl() + ": " + request.getErrorDetail().getMessage());
        }
      }

      @Override
      public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
        if (request.hasErrorDetail()) {
          nacks.add(request.getTypeUrl() + ": " + request.getErrorDetail().getMessage());
        }
      }
    }, cache);
    server = loopbackServerBuilder()
        .addService(discovery.getAggregatedDiscoveryServiceImpl())
        .maxInboundMessageSize(64 << 20)
        .build()
        .start();
  }

  /**
   * grpc-java's portable builders bind every interface; binding 127.0.0.1 alone takes the Netty
   * builder, which the xDS client's gRPC brings at run time only (depending on it at compile time
   * would re-mediate its transitive versions), hence the reflection.
   */
  private static ServerBuilder<?> loopbackServerBuilder() throws IOException {
    try {
      return (ServerBuilder<?>) Class.forName("io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder")
          .getMethod("forAddress", java.net.SocketAddress.class)
          .invoke(null, new InetSocketAddress("127.0.0.1", 0));
    } catch (ReflectiveOperationException e) {
      throw new IOException("grpc-netty-shaded is not on the class path", e);
    }
  }

  int port() {
    return server.getPort();
  }

  /** A snapshot of what is served, with the given types replaced (null keeps a type as it is). */
  Snapshot next(List<Cluster> newClusters, List<ClusterLoadAssignment> newEndpoints, List<Listener> newListeners,
      List<RouteConfiguration> newRoutes) {
    if (newClusters != null) {
      clusters = List.copyOf(newClusters);
      clustersVersion++;
    }
    if (newEndpoints != null) {
      endpoints = List.copyOf(newEndpoints);
      endpointsVersion++;
    }
    if (newListeners != null) {
      listeners = List.copyOf(newListeners);
      listenersVersion++;
    }
    if (newRoutes != null) {
      routes = List.copyOf(newRoutes);
      routesVersion++;
    }
    return Snapshot.create(clusters, "c" + clustersVersion, endpoints, "e" + endpointsVersion, listeners,
        "l" + listenersVersion, routes, "r" + routesVersion, List.of(), "s0");
  }

  /** Serves {@code snapshot}: open watches are answered on this thread, as SimpleCache does. */
  void set(Snapshot snapshot) {
    cache.setSnapshot(GROUP, snapshot);
  }

  List<Cluster> clusters() {
    return clusters;
  }

  List<ClusterLoadAssignment> endpoints() {
    return endpoints;
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
