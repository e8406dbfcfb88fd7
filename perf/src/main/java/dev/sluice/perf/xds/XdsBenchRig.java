package dev.sluice.perf.xds;

import dev.sluice.app.ServerOptions;
import dev.sluice.app.SluiceServer;
import dev.sluice.perf.load.NettyTransport;
import dev.sluice.snapshot.ConfigSnapshot;
import dev.sluice.xds.XdsClient;
import dev.sluice.xds.XdsClientOptions;
import dev.sluice.xds.bootstrap.BootstrapLoader;
import dev.sluice.xds.bootstrap.LoadedBootstrap;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Everything one measurement needs, started on 127.0.0.1: two backends ({@code a}, {@code b}),
 * the management server, a {@link SluiceServer} whose bootstrap names the management server in
 * {@code dynamic_resources} (ADS, {@code api_type} as given), and the {@link XdsClient}.
 *
 * <p>Snapshots go from the client's watcher to {@code server.apply} on one configuration thread,
 * coalescing those that arrive while one is applied — the wiring {@code sluice run} uses
 * (app's {@code DynamicConfig}), so the xDS client's thread never waits for an apply.
 */
final class XdsBenchRig implements AutoCloseable {
  /** A snapshot handed to the watcher, when, and when {@code server.apply} returned for it (0 until then). */
  static final class Event {
    final ConfigSnapshot snapshot;
    final long receivedNanos;
    volatile long appliedNanos;

    Event(ConfigSnapshot snapshot, long receivedNanos) {
      this.snapshot = snapshot;
      this.receivedNanos = receivedNanos;
    }
  }

  /**
   * One push, in nanoseconds from the call of {@code setSnapshot}: its own duration (the
   * management server answers open watches on the calling thread), the watcher receiving the
   * snapshot, {@code server.apply} returning, the first probe request that needed the update
   * succeeding (-1 without a probe); and, over the same span (until applied and served), the CPU
   * time of Sluice's update threads ({@link #UPDATE_THREADS}) and the GC pause time of the JVM.
   */
  record Timing(long setSnapshot, long received, long applied, long served, long updateCpu, long gcPause) {}

  /** What the first request needing an update asks for, and what answer shows the update in service. */
  record Probe(String path, String host, String expectBackend) {
    boolean satisfiedBy(HttpProbe.Response r) {
      return r.status() == 200 && (expectBackend == null || expectBackend.equals(r.backend()));
    }
  }

  /** The threads an update runs on: the xDS client, {@code server.apply}, the cluster manager. */
  static final List<String> UPDATE_THREADS = List.of("sluice-xds-client", "sluice-config", "sluice-cluster-manager");
  private static final Duration PUSH_TIMEOUT = Duration.ofSeconds(60);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  final String apiType;
  final BenchManagementServer management;
  final BenchBackend backendA;
  final BenchBackend backendB;
  final SluiceServer proxy;
  final int listenerPort;
  final List<String> applyFailures = new CopyOnWriteArrayList<>();
  private final EventLoopGroup backendGroup;
  private final XdsClient xds;
  private final ExecutorService applier;
  private final AtomicReference<Event> pending = new AtomicReference<>();
  private final List<Event> events = new CopyOnWriteArrayList<>();

  private XdsBenchRig(String apiType, BenchManagementServer management, EventLoopGroup backendGroup,
      BenchBackend backendA, BenchBackend backendB, SluiceServer proxy, int listenerPort, XdsClientOptions options) {
    this.apiType = apiType;
    this.management = management;
    this.backendGroup = backendGroup;
    this.backendA = backendA;
    this.backendB = backendB;
    this.proxy = proxy;
    this.listenerPort = listenerPort;
    this.applier = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sluice-config");
      t.setDaemon(true);
      return t;
    });
    this.xds = XdsClient.start(options, this::offer);
  }

  /**
   * Starts everything: {@code initial} gives the first snapshot once the ports are known. Returns
   * once the xDS client has published its first snapshot.
   */
  static XdsBenchRig create(String apiType, int workers, Function<Ports, Snapshot> initial)
      throws Exception {
    NettyTransport transport = NettyTransport.best();
    EventLoopGroup group = transport.newGroup(1);
    BenchBackend a = null;
    BenchBackend b = null;
    BenchManagementServer management = null;
    SluiceServer proxy = null;
    try {
      a = BenchBackend.start("a", group, transport);
      b = BenchBackend.start("b", group, transport);
      management = new BenchManagementServer();
      int listenerPort = freePort();
      management.set(initial.apply(new Ports(listenerPort, a.port(), b.port(), management)));
      LoadedBootstrap loaded = BootstrapLoader.parse("""
          node: {id: xds-bench, cluster: bench}
          dynamic_resources:
            lds_config: {ads: {}}
            cds_config: {ads: {}}
            ads_config:
              api_type: %s
              transport_api_version: V3
              grpc_services: [{envoy_grpc: {cluster_name: xds}}]
          static_resources:
            clusters:
            - name: xds
              type: STATIC
              http2_protocol_options: {}
              load_assignment:
                cluster_name: xds
                endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]
          """.formatted(apiType, management.port()), "xds-bench-bootstrap.yaml");
      proxy = SluiceServer.start(loaded.config(), new ServerOptions(workers, Duration.ofSeconds(1), "{}", Map.of()));
      XdsClientOptions options = XdsClientOptions.builder(loaded.xds().orElseThrow(), loaded.config().node())
          .staticResources(loaded.config().listeners(), loaded.config().clusters())
          .stats(proxy.stats())
          .build();
      XdsBenchRig rig = new XdsBenchRig(apiType, management, group, a, b, proxy, listenerPort, options);
      if (rig.xds.awaitInitial(PUSH_TIMEOUT).isEmpty()) {
        rig.close();
        throw new IllegalStateException("no initial snapshot from the management server");
      }
      return rig;
    } catch (Exception | Error e) {
      if (proxy != null) {
        proxy.close();
      }
      if (management != null) {
        management.close();
      }
      if (b != null) {
        b.close();
      }
      if (a != null) {
        a.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** What the initial snapshot is built from. */
  record Ports(int listener, int backendA, int backendB, BenchManagementServer management) {}

  private void offer(ConfigSnapshot snapshot) {
    Event e = new Event(snapshot, System.nanoTime());
    events.add(e);
    if (pending.getAndSet(e) == null) {
      applier.execute(this::applyPending);
    }
  }

  private void applyPending() {
    Event e = pending.getAndSet(null);
    if (e == null) {
      return;
    }
    try {
      applyFailures.addAll(proxy.apply(e.snapshot));
    } catch (RuntimeException ex) {
      applyFailures.add(ex.toString());
    }
    e.appliedNanos = System.nanoTime();
  }

  /** Drops the record of past snapshots (they would count as retained heap). */
  void forgetEvents() {
    events.clear();
  }

  /**
   * Serves {@code snapshot} and times it until {@code done} holds for an applied snapshot and,
   * with a probe, until a request needing the update succeeds. The probe polls about every
   * millisecond on its own keep-alive connection from before the push.
   */
  Timing push(Snapshot snapshot, Predicate<ConfigSnapshot> done, Probe probe) throws InterruptedException {
    events.clear();
    ProbeThread prober = null;
    if (probe != null) {
      prober = new ProbeThread(probe);
      prober.start();
      prober.connected.await();
      if (prober.servedNanos != 0) {
        prober.interrupt();
        throw new IllegalStateException("the probe " + probe + " succeeds before the push: it cannot time it");
      }
    }
    long cpu0 = updateThreadsCpu();
    long gc0 = gcMillis();
    long t0 = System.nanoTime();
    management.set(snapshot);
    long setDone = System.nanoTime();
    long deadline = t0 + PUSH_TIMEOUT.toNanos();
    long received = -1;
    long applied = -1;
    while (applied < 0) {
      for (Event e : events) {
        if (done.test(e.snapshot)) {
          if (received < 0) {
            received = e.receivedNanos;
          }
          long a = e.appliedNanos;
          if (a != 0) {
            applied = a;
            break;
          }
        }
      }
      if (applied < 0) {
        if (System.nanoTime() > deadline) {
          if (prober != null) {
            prober.interrupt();
          }
          throw new IllegalStateException("no applied snapshot satisfied the push within " + PUSH_TIMEOUT
              + "; NACKs: " + management.nacks + "; apply failures: " + applyFailures);
        }
        // The applier stamps the time itself: polling more often would only take CPU from the update.
        LockSupport.parkNanos(1_000_000);
      }
    }
    long served = -1;
    if (prober != null) {
      prober.join(PUSH_TIMEOUT.toMillis());
      if (prober.servedNanos == 0) {
        prober.interrupt();
        throw new IllegalStateException("the probe " + probe + " never succeeded; last answer " + prober.last);
      }
      served = prober.servedNanos - t0;
    }
    events.clear();
    long cpu = updateThreadsCpu() - cpu0;
    long gc = (gcMillis() - gc0) * 1_000_000L;
    return new Timing(setDone - t0, received - t0, applied - t0, served, cpu, gc);
  }

  /** CPU time consumed so far by the live threads named in {@link #UPDATE_THREADS}, in nanoseconds. */
  static long updateThreadsCpu() {
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (UPDATE_THREADS.contains(t.getName())) {
        long cpu = THREADS.getThreadCpuTime(t.getId());
        if (cpu > 0) {
          sum += cpu;
        }
      }
    }
    return sum;
  }

  /** Total collection time of every collector so far, in milliseconds. */
  static long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  /** One request now, on a fresh connection. */
  HttpProbe.Response request(String path, String host) {
    try (HttpProbe p = new HttpProbe(listenerPort)) {
      return p.get(path, host);
    }
  }

  private final class ProbeThread extends Thread {
    private final Probe probe;
    final CountDownLatch connected = new CountDownLatch(1);
    volatile long servedNanos;
    volatile HttpProbe.Response last;

    ProbeThread(Probe probe) {
      super("xds-bench-probe");
      setDaemon(true);
      this.probe = probe;
    }

    @Override
    public void run() {
      long deadline = System.nanoTime() + PUSH_TIMEOUT.toNanos();
      try (HttpProbe client = new HttpProbe(listenerPort)) {
        while (!isInterrupted() && System.nanoTime() < deadline) {
          long start = System.nanoTime();
          HttpProbe.Response r = client.get(probe.path(), probe.host());
          long end = System.nanoTime();
          last = r;
          if (probe.satisfiedBy(r)) {
            servedNanos = end;
            connected.countDown();
            return;
          }
          connected.countDown();
          long wait = start + PROBE_INTERVAL_NANOS - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
      } finally {
        connected.countDown();
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    xds.close();
    applier.shutdownNow();
    applier.awaitTermination(5, TimeUnit.SECONDS);
    proxy.close();
    management.close();
    backendA.close();
    backendB.close();
    backendGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
