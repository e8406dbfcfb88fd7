package dev.sluice.conformance.xds;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * java-control-plane serving one snapshot to every node on 127.0.0.1, recording the error_detail
 * of every NACK it receives.
 */
public final class ManagementServer implements AutoCloseable {
  private final SimpleCache<String> cache = new SimpleCache<>(node -> "all");
  public final List<String> nacks = new CopyOnWriteArrayList<>();
  private Server server;
  private int port;

  public static ManagementServer start() throws IOException {
    ManagementServer m = new ManagementServer();
    m.listen(0);
    return m;
  }

  private void listen(int onPort) throws IOException {
    V3DiscoveryServer discovery = new V3DiscoveryServer(new DiscoveryServerCallbacks() {
      @Override
      public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
        if (request.hasErrorDetail()) {
          nacks.add(request.getErrorDetail().getMessage());
        }
      }

      @Override
      public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
        if (request.hasErrorDetail()) {
          nacks.add(request.getErrorDetail().getMessage());
        }
      }
    }, cache);
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", onPort))
        .addService(discovery.getAggregatedDiscoveryServiceImpl())
        .build()
        .start();
    port = server.getPort();
  }

  public int port() {
    return port;
  }

  public void set(Snapshot snapshot) {
    cache.setSnapshot("all", snapshot);
  }

  public void stop() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
