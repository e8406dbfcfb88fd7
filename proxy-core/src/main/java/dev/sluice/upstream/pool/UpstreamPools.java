package dev.sluice.upstream.pool;

import dev.sluice.upstream.UpstreamEndpoint;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The connection pools of one event loop, keyed by endpoint. Reached through a thread local from
 * the loop itself, so no lookup crosses threads; a periodic sweep on the loop closes idle and
 * orphaned connections.
 */
public final class UpstreamPools {
  private static final long SWEEP_INTERVAL_MS = 1000;
  private static final FastThreadLocal<UpstreamPools> CURRENT = new FastThreadLocal<>();

  private final EventLoop loop;
  private final UpstreamTransport transport;
  private final Map<UpstreamEndpoint, Http1ConnectionPool> pools = new IdentityHashMap<>();

  private UpstreamPools(EventLoop loop, UpstreamTransport transport) {
    this.loop = loop;
    this.transport = transport;
    loop.scheduleWithFixedDelay(this::sweep, SWEEP_INTERVAL_MS, SWEEP_INTERVAL_MS, TimeUnit.MILLISECONDS);
  }

  /** The pools of the calling event loop, created on first use. */
  public static UpstreamPools current(EventLoop loop, UpstreamTransport transport) {
    UpstreamPools p = CURRENT.get();
    if (p == null) {
      assert loop.inEventLoop();
      p = new UpstreamPools(loop, transport);
      CURRENT.set(p);
    }
    return p;
  }

  /** The pool for {@code endpoint} on this loop. */
  public Http1ConnectionPool pool(UpstreamEndpoint endpoint) {
    Http1ConnectionPool pool = pools.get(endpoint);
    if (pool == null) {
      pool = new Http1ConnectionPool(loop, endpoint, transport);
      pools.put(endpoint, pool);
    }
    return pool;
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Iterator<Http1ConnectionPool> it = pools.values().iterator(); it.hasNext(); ) {
      Http1ConnectionPool pool = it.next();
      pool.sweep(now);
      if (pool.endpoint().isRemoved() && pool.isEmpty()) {
        it.remove();
      }
    }
  }
}
