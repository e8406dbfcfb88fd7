package dev.sluice.xds;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real management server for tests: java-control-plane's V3DiscoveryServer over a SimpleCache,
 * served by grpc-java on 127.0.0.1, recording every request it receives (with error_detail, nonce
 * and, for delta, initial_resource_versions) through the server callbacks.
 */
final class ControlPlane implements AutoCloseable {
  static final String GROUP = "sluice";

  final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  private final List<DiscoveryRequest> requests = new ArrayList<>();
  private final List<DeltaDiscoveryRequest> deltaRequests = new ArrayList<>();
  private final List<DeltaDiscoveryResponse> deltaResponses = new ArrayList<>();
  // The stream of each recorded delta message: nonces are only unique within a stream.
  private final List<Long> deltaRequestStreams = new ArrayList<>();
  private final List<Long> deltaResponseStreams = new ArrayList<>();
  private int streamsOpened;
  private Server server;
  private int port;

  static ControlPlane start() throws IOException {
    ControlPlane cp = new ControlPlane();
    cp.listen(0);
    return cp;
  }

  private void listen(int onPort) throws IOException {
    DiscoveryServerCallbacks callbacks = new DiscoveryServerCallbacks() {
      @Override
      public void onStreamOpen(long streamId, String typeUrl) {
        record(() -> streamsOpened++);
      }

      @Override
      public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
        record(() -> requests.add(request));
      }

      @Override
      public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
        record(() -> {
          deltaRequests.add(request);
          deltaRequestStreams.add(streamId);
        });
      }

      @Override
      public void onV3StreamDeltaResponse(long streamId, DeltaDiscoveryRequest request,
          DeltaDiscoveryResponse response) {
        record(() -> {
          deltaResponses.add(response);
          deltaResponseStreams.add(streamId);
        });
      }
    };
    V3DiscoveryServer discovery = new V3DiscoveryServer(callbacks, cache);
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", onPort))
        .addService(discovery.getAggregatedDiscoveryServiceImpl())
        .build()
        .start();
    port = server.getPort();
  }

  String target() {
    return "dns:///127.0.0.1:" + port;
  }

  void set(Snapshot snapshot) {
    cache.setSnapshot(GROUP, snapshot);
  }

  /** Stops serving; streams break, as when the server process dies. */
  void stop() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Stops and starts again on the same port with a fresh discovery server (no per-stream state). */
  void restart() throws IOException, InterruptedException {
    stop();
    listen(port);
  }

  /** Starts again on the same port after {@link #stop()}. */
  void resume() throws IOException {
    listen(port);
  }

  synchronized int streamsOpened() {
    return streamsOpened;
  }

  synchronized List<DiscoveryRequest> requests() {
    return List.copyOf(requests);
  }

  synchronized List<DeltaDiscoveryRequest> deltaRequests() {
    return List.copyOf(deltaRequests);
  }

  /** Waits until a recorded state-of-the-world request matches; returns it. */
  DiscoveryRequest awaitRequest(Predicate<DiscoveryRequest> p, Duration timeout) throws InterruptedException {
    return await(() -> requests.stream().filter(p).findFirst().orElse(null), timeout, "a matching request");
  }

  DeltaDiscoveryRequest awaitDeltaRequest(Predicate<DeltaDiscoveryRequest> p, Duration timeout)
      throws InterruptedException {
    return await(() -> deltaRequests.stream().filter(p).findFirst().orElse(null), timeout,
        "a matching delta request");
  }

  /** Waits until the client has ACKed an incremental response of {@code typeUrl} at system version {@code version}. */
  void awaitDeltaAck(String typeUrl, String version, Duration timeout) throws InterruptedException {
    await(() -> {
      for (int i = 0; i < deltaResponses.size(); i++) {
        DeltaDiscoveryResponse resp = deltaResponses.get(i);
        if (!resp.getTypeUrl().equals(typeUrl) || !resp.getSystemVersionInfo().equals(version)) {
          continue;
        }
        for (int j = 0; j < deltaRequests.size(); j++) {
          DeltaDiscoveryRequest req = deltaRequests.get(j);
          if (deltaRequestStreams.get(j).equals(deltaResponseStreams.get(i)) && req.getTypeUrl().equals(typeUrl)
              && req.getResponseNonce().equals(resp.getNonce()) && !req.hasErrorDetail()) {
            return req;
          }
        }
      }
      return null;
    }, timeout, "an ACK of " + typeUrl + " version " + version);
  }

  synchronized void awaitStreams(int count, Duration timeout) throws InterruptedException {
    await(() -> streamsOpened >= count ? Boolean.TRUE : null, timeout, count + " streams");
  }

  private synchronized <T> T await(java.util.function.Supplier<T> probe, Duration timeout, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (T found = probe.get(); ; found = probe.get()) {
      if (found != null) {
        return found;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out waiting for " + what + "; requests seen: " + requests + deltaRequests);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  private synchronized void record(Runnable change) {
    change.run();
    notifyAll();
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
