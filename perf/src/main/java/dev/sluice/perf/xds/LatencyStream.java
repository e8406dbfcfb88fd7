package dev.sluice.perf.xds;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop request stream: {@code connections} threads, each on its own keep-alive
 * connection, together sending {@code rate} requests a second on a fixed schedule. Each request is
 * timed from its intended send time, so a stall is charged to every request it delays
 * (coordinated omission corrected, as wrk2 does). Every request's intended time and latency are
 * kept, so that the caller can split them by what happened at the time.
 */
final class LatencyStream {
  /**
   * All requests of one run, in nanoseconds: intended send times (nanoTime), latencies from the
   * intended time, and service times from the actual write (what the proxy took, without the
   * generator's own lateness).
   */
  record Samples(long[] intended, long[] latency, long[] service, int count, long failures) {}

  private final int port;
  private final String path;
  private final String host;
  private final int connections;
  private final double rate;
  private final List<Worker> workers = new ArrayList<>();

  LatencyStream(int port, String path, String host, int connections, double rate) {
    this.port = port;
    this.path = path;
    this.host = host;
    this.connections = connections;
    this.rate = rate;
  }

  /** Starts sending; the schedule begins now and runs until {@link #stop()}. */
  void start(long maxSeconds) {
    long start = System.nanoTime();
    long interval = (long) (1e9 * connections / rate);
    int capacity = (int) Math.min(Integer.MAX_VALUE - 8, maxSeconds * (long) rate / connections + 16);
    for (int i = 0; i < connections; i++) {
      Worker w = new Worker(start + i * interval / connections, interval, capacity);
      workers.add(w);
      w.start();
    }
  }

  /** Stops and returns every completed request. */
  Samples stop() throws InterruptedException {
    workers.forEach(w -> w.running = false);
    for (Worker w : workers) {
      w.join();
    }
    int n = 0;
    long failures = 0;
    for (Worker w : workers) {
      n += w.count;
      failures += w.failures;
    }
    long[] intended = new long[n];
    long[] latency = new long[n];
    long[] service = new long[n];
    int i = 0;
    for (Worker w : workers) {
      System.arraycopy(w.intended, 0, intended, i, w.count);
      System.arraycopy(w.latency, 0, latency, i, w.count);
      System.arraycopy(w.service, 0, service, i, w.count);
      i += w.count;
    }
    return new Samples(intended, latency, service, n, failures);
  }

  private final class Worker extends Thread {
    private final long first;
    private final long interval;
    final long[] intended;
    final long[] latency;
    final long[] service;
    volatile boolean running = true;
    int count;
    long failures;

    Worker(long first, long interval, int capacity) {
      super("xds-bench-load");
      setDaemon(true);
      this.first = first;
      this.interval = interval;
      this.intended = new long[capacity];
      this.latency = new long[capacity];
      this.service = new long[capacity];
    }

    @Override
    public void run() {
      try (HttpProbe client = new HttpProbe(port)) {
        for (long k = 0; running && count < intended.length; k++) {
          long at = first + k * interval;
          for (long wait = at - System.nanoTime(); wait > 0; wait = at - System.nanoTime()) {
            LockSupport.parkNanos(wait);
          }
          long sent = System.nanoTime();
          HttpProbe.Response r = client.get(path, host);
          long done = System.nanoTime();
          if (r.status() != 200) {
            failures++;
            continue;
          }
          intended[count] = at;
          latency[count] = done - at;
          service[count] = done - sent;
          count++;
        }
      }
    }
  }
}
