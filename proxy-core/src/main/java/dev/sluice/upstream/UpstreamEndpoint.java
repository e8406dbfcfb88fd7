package dev.sluice.upstream;

import dev.sluice.config.SocketAddressConfig;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One live endpoint of a cluster with the counters the admin interface shows and the active
 * request count the least-request balancer reads. Kept across cluster updates while its address
 * stays, so its pools and counters survive.
 */
public final class UpstreamEndpoint {
  private final UpstreamCluster cluster;
  private final SocketAddressConfig configured;
  private final InetSocketAddress address;
  private final int weight;
  private final AtomicInteger activeRequests = new AtomicInteger();
  private final LongAdder connectionsTotal = new LongAdder();
  private final LongAdder connectFailures = new LongAdder();
  private final LongAdder requestsTotal = new LongAdder();
  private final LongAdder requestsSuccess = new LongAdder();
  private final LongAdder requestsError = new LongAdder();
  private final LongAdder requestTimeouts = new LongAdder();
  private volatile boolean removed;

  UpstreamEndpoint(UpstreamCluster cluster, SocketAddressConfig configured, InetSocketAddress address, int weight) {
    this.cluster = cluster;
    this.configured = configured;
    this.address = address;
    this.weight = weight;
  }

  public UpstreamCluster cluster() {
    return cluster;
  }

  /** The address as configured (host name for STRICT_DNS). */
  public SocketAddressConfig configured() {
    return configured;
  }

  /** The resolved address connections go to. */
  public InetSocketAddress address() {
    return address;
  }

  public int weight() {
    return weight;
  }

  public int activeRequests() {
    return activeRequests.get();
  }

  public void requestStarted() {
    activeRequests.incrementAndGet();
    requestsTotal.increment();
    cluster.stats().upstreamRqTotal.inc();
  }

  /** Ends a request; {@code success} is false for a 5xx, a reset or a timeout. */
  public void requestFinished(boolean success) {
    activeRequests.decrementAndGet();
    if (success) {
      requestsSuccess.increment();
    } else {
      requestsError.increment();
    }
  }

  public void connectionOpened() {
    connectionsTotal.increment();
    cluster.stats().upstreamCxTotal.inc();
    cluster.stats().upstreamCxActive.inc();
  }

  public void connectionClosed() {
    cluster.stats().upstreamCxActive.dec();
  }

  public void connectFailed() {
    connectFailures.increment();
    cluster.stats().upstreamCxConnectFail.inc();
  }

  public void requestTimedOut() {
    requestTimeouts.increment();
    cluster.stats().upstreamRqTimeout.inc();
  }

  public long connectionsTotal() {
    return connectionsTotal.sum();
  }

  public long connectFailures() {
    return connectFailures.sum();
  }

  public long requestsTotal() {
    return requestsTotal.sum();
  }

  public long requestsSuccess() {
    return requestsSuccess.sum();
  }

  public long requestsError() {
    return requestsError.sum();
  }

  public long requestTimeouts() {
    return requestTimeouts.sum();
  }

  /** Set once the endpoint left its cluster; pools close its connections instead of reusing them. */
  public boolean isRemoved() {
    return removed;
  }

  void markRemoved() {
    removed = true;
  }


  @Override
  public String toString() {
    return cluster.name() + "/" + address.getAddress().getHostAddress() + ":" + address.getPort();
  }
}
