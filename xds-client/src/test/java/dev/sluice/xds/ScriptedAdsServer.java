package dev.sluice.xds;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A state-of-the-world ADS server whose responses the test writes by hand, for what a cache-backed
 * server never sends: duplicate names, resources of the wrong type, bytes that do not parse.
 */
final class ScriptedAdsServer implements AutoCloseable {
  private final List<DiscoveryRequest> requests = new ArrayList<>();
  private StreamObserver<DiscoveryResponse> responses;
  private final Server server;

  ScriptedAdsServer() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase() {
          @Override
          public StreamObserver<DiscoveryRequest> streamAggregatedResources(
              StreamObserver<DiscoveryResponse> out) {
            synchronized (ScriptedAdsServer.this) {
              responses = out;
              ScriptedAdsServer.this.notifyAll();
            }
            return new StreamObserver<>() {
              @Override
              public void onNext(DiscoveryRequest request) {
                synchronized (ScriptedAdsServer.this) {
                  requests.add(request);
                  ScriptedAdsServer.this.notifyAll();
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                out.onCompleted();
              }
            };
          }
        })
        .build()
        .start();
  }

  String target() {
    return "dns:///127.0.0.1:" + server.getPort();
  }

  synchronized void send(DiscoveryResponse response) {
    responses.onNext(response);
  }

  synchronized DiscoveryRequest await(Predicate<DiscoveryRequest> p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (DiscoveryRequest r : requests) {
        if (p.test(r)) {
          return r;
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out; requests: " + requests);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
