package dev.sluice.perf.xds;

import dev.sluice.config.ClusterConfig;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.RouteRuleConfig;
import dev.sluice.config.VirtualHostConfig;
import dev.sluice.snapshot.ConfigSnapshot;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import jdk.jfr.Recording;

/**
 * Issue 4's performance figures for one {@code api_type} (GRPC = state of the world, DELTA_GRPC =
 * incremental), measured end to end through java-control-plane, the {@link dev.sluice.xds.XdsClient}
 * and {@link dev.sluice.app.SluiceServer#apply}:
 *
 * <ol>
 *   <li>RDS: a RouteConfiguration of {@code routes} routes replaced (one route renamed, so the
 *       request that needs it only succeeds once the new table serves);
 *   <li>CDS: {@code clusters} EDS clusters all changed (connect timeout and endpoint);
 *   <li>EDS: {@code endpoints} endpoints across {@code endpointClusters} clusters all changed, and
 *       the same number in a single cluster;
 *   <li>one route added to a table of {@code baseRoutes};
 *   <li>heap retained per route, cluster and endpoint;
 *   <li>latency of an open-loop request stream, steady and while {@code routes}-route updates apply.
 * </ol>
 *
 * <pre>
 * XdsBench run --api GRPC|DELTA_GRPC --out FIGURES.tsv [--jfr FILE.jfr] [--smoke]
 * XdsBench report --out RESULTS.md --meta META.txt FIGURES.tsv... [--jfr FILE.jfr ...]
 * </pre>
 */
public final class XdsBench {
  /** Sizes and repetitions. */
  record Config(int routes, int clusters, int endpoints, int endpointClusters, int singleClusterEndpoints,
      int baseRoutes, int reps, int warmups, int addedReps, int jfrReps, int workers, double rate,
      int connections, int steadySeconds, int streamUpdates, Duration streamGap) {

    static Config full() {
      return new Config(10_000, 1_000, 10_000, 100, 10_000, 1_000, 5, 10, 20, 10, 1, 2_000, 4, 5, 8,
          Duration.ofMillis(1_000));
    }

    /** Seconds long, for the smoke test: every step of the full run, tiny. */
    static Config smoke() {
      return new Config(40, 5, 40, 4, 20, 20, 1, 0, 2, 1, 1, 200, 2, 1, 1, Duration.ofMillis(300));
    }
  }

  private final Config config;
  private final String apiType;
  private final Map<String, Double> figures = new LinkedHashMap<>();
  private final List<Object> keep = new ArrayList<>();
  private XdsBenchRig rig;
  private int version;
  // What the route table holds now.
  private int synthetic;
  private List<Route> extra = List.of();
  // Which backend the CDS clusters and the EDS probe cluster point at now; each timed push flips it.
  private boolean cdsOnB;
  private boolean edsProbeOnB;

  XdsBench(Config config, String apiType) {
    this.config = config;
    this.apiType = apiType;
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
    }
    switch (args[0]) {
      case "run" -> runMain(Arrays.copyOfRange(args, 1, args.length));
      case "report" -> XdsBenchReport.main(Arrays.copyOfRange(args, 1, args.length));
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println("usage: XdsBench run --api GRPC|DELTA_GRPC --out FIGURES.tsv [--jfr FILE.jfr] [--smoke]\n"
        + "       XdsBench report --out RESULTS.md --meta META.txt FIGURES.tsv... [--jfr FILE.jfr ...]");
    System.exit(2);
  }

  private static void runMain(String[] args) throws Exception {
    String api = "GRPC";
    Path out = null;
    Path jfr = null;
    Config config = Config.full();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--api" -> api = args[++i];
        case "--out" -> out = Path.of(args[++i]);
        case "--jfr" -> jfr = Path.of(args[++i]);
        case "--smoke" -> config = Config.smoke();
        default -> {
          System.err.println("unknown argument " + args[i]);
          usage();
        }
      }
    }
    if (out == null) {
      usage();
    }
    Map<String, Double> figures = new XdsBench(config, api).run(Optional.ofNullable(jfr));
    StringBuilder tsv = new StringBuilder("# api\t" + api + "\n");
    figures.forEach((k, v) -> tsv.append(k).append('\t').append(v).append('\n'));
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, tsv);
    System.out.println("xds-bench " + api + ": " + figures.size() + " figures written to " + out);
    System.exit(0);
  }

  /** Runs every step and returns the figures by key (milliseconds, bytes or counts). */
  Map<String, Double> run(Optional<Path> jfr) throws Exception {
    String cdsCluster = "c" + (config.clusters() - 1);
    rig = XdsBenchRig.create(apiType, config.workers(), ports -> {
      synthetic = 10;
      extra = List.of();
      return rememberSnapshot(ports.management().next(
          List.of(XdsBenchResources.edsCluster(XdsBenchResources.STEADY_CLUSTER, 1000),
              XdsBenchResources.edsCluster(XdsBenchResources.EDS_PROBE_CLUSTER, 1000)),
          List.of(XdsBenchResources.loopback(XdsBenchResources.STEADY_CLUSTER, ports.backendA()),
              XdsBenchResources.loopback(XdsBenchResources.EDS_PROBE_CLUSTER, ports.backendA())),
          List.of(XdsBenchResources.listener(ports.listener())),
          List.of(XdsBenchResources.routes(synthetic, extra, cdsCluster))));
    });
    try {
      log("started: api_type " + apiType + ", listener 127.0.0.1:" + rig.listenerPort + ", management server port "
          + rig.management.port());
      rds(jfr);
      cds();
      eds();
      addedRoute();
      heap();
      latencyDuringUpdates();
      figures.put("nacks", (double) rig.management.nacks.size());
      figures.put("apply_failures", (double) rig.applyFailures.size());
      if (!rig.management.nacks.isEmpty()) {
        log("NACKs: " + rig.management.nacks);
      }
      return figures;
    } finally {
      rig.close();
    }
  }

  // ------------------------------------------------------------------ 1. RDS

  private void rds(Optional<Path> jfr) throws Exception {
    String cdsCluster = "c" + (config.clusters() - 1);
    // Cold: the first large table in this JVM (class loading, interpreter, JIT).
    recordTimes("rds_cold", List.of(pushRoutes(config.routes(), cdsCluster)));
    for (int i = 0; i < config.warmups(); i++) {
      pushRoutes(config.routes(), cdsCluster);
    }
    List<XdsBenchRig.Timing> timings = new ArrayList<>();
    for (int i = 0; i < config.reps(); i++) {
      timings.add(pushRoutes(config.routes(), cdsCluster));
    }
    recordTimes("rds", timings);
    if (jfr.isPresent()) {
      // Profiled separately, so that the recording does not perturb the figures above.
      try (Recording recording = new Recording()) {
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
        recording.enable("jdk.GarbageCollection");
        recording.enable("jdk.ObjectAllocationSample");
        recording.start();
        for (int i = 0; i < config.jfrReps(); i++) {
          pushRoutes(config.routes(), cdsCluster);
        }
        recording.stop();
        recording.dump(jfr.get());
      }
      log("JFR recording of " + config.jfrReps() + " RDS updates: " + jfr.get());
    }
  }

  /** The table of {@code routes} synthetic routes with a new probe route; timed until that route serves. */
  private XdsBenchRig.Timing pushRoutes(int routes, String cdsCluster) throws Exception {
    int v = ++version;
    String name = "probe-v" + v;
    synthetic = routes;
    extra = List.of(XdsBenchResources.prefix(name, "/" + name + "/", XdsBenchResources.STEADY_CLUSTER));
    Snapshot s = nextSnapshot(null, null, null, List.of(XdsBenchResources.routes(synthetic, extra, cdsCluster)));
    return rig.push(rememberSnapshot(s), snapshot -> hasRoute(snapshot, name),
        new XdsBenchRig.Probe("/" + name + "/x", XdsBenchResources.lastVhostDomain(routes), null));
  }

  // ------------------------------------------------------------------ 2. CDS

  private void cds() throws Exception {
    recordTimes("cds_cold", List.of(pushClusters(config.clusters())));
    for (int i = 0; i < config.warmups(); i++) {
      pushClusters(config.clusters());
    }
    List<XdsBenchRig.Timing> timings = new ArrayList<>();
    for (int i = 0; i < config.reps(); i++) {
      timings.add(pushClusters(config.clusters()));
    }
    recordTimes("cds", timings);
  }

  /**
   * Every one of {@code n} EDS clusters changed: a new connect timeout (CDS) and its one endpoint
   * moved to the other backend (EDS), pushed together. Timed until the last cluster serves from
   * the new backend.
   */
  private XdsBenchRig.Timing pushClusters(int n) throws Exception {
    int v = ++version;
    boolean toB = !cdsOnB;
    cdsOnB = toB;
    int port = toB ? rig.backendB.port() : rig.backendA.port();
    int timeoutMillis = 1000 + v;
    List<Cluster> clusters = withoutPrefix(rig.management.clusters(), "c");
    List<ClusterLoadAssignment> endpoints = withoutPrefixCla(rig.management.endpoints(), "c");
    for (int i = 0; i < n; i++) {
      clusters.add(XdsBenchResources.edsCluster("c" + i, timeoutMillis));
      endpoints.add(XdsBenchResources.loopback("c" + i, port));
    }
    String last = "c" + (n - 1);
    Snapshot s = nextSnapshot(clusters, endpoints, null, null);
    Duration timeout = Duration.ofMillis(timeoutMillis);
    return rig.push(rememberSnapshot(s), snapshot -> {
      ClusterConfig c0 = snapshot.clusters().get("c0");
      ClusterConfig cl = snapshot.clusters().get(last);
      return c0 != null && cl != null && c0.connectTimeout().equals(timeout) && cl.connectTimeout().equals(timeout)
          && !cl.endpoints().isEmpty() && cl.endpoints().get(0).address().port() == port;
    }, new XdsBenchRig.Probe("/x", XdsBenchResources.CDS_HOST, toB ? "b" : "a"));
  }

  // ------------------------------------------------------------------ 3. EDS

  private void eds() throws Exception {
    int perCluster = config.endpoints() / config.endpointClusters();
    addBulkClusters(config.endpointClusters());
    recordTimes("eds_cold", List.of(pushEndpoints(config.endpointClusters(), perCluster)));
    for (int i = 0; i < config.warmups(); i++) {
      pushEndpoints(config.endpointClusters(), perCluster);
    }
    List<XdsBenchRig.Timing> timings = new ArrayList<>();
    for (int i = 0; i < config.reps(); i++) {
      timings.add(pushEndpoints(config.endpointClusters(), perCluster));
    }
    recordTimes("eds", timings);
    if (config.singleClusterEndpoints() > 0) {
      // The same churn with every endpoint in one cluster.
      addBulkClusters(1);
      pushEndpoints(1, config.singleClusterEndpoints());
      timings = new ArrayList<>();
      for (int i = 0; i < Math.max(1, config.reps() - 2); i++) {
        timings.add(pushEndpoints(1, config.singleClusterEndpoints()));
      }
      recordTimes("eds1", timings);
    }
  }

  /** Replaces the bulk EDS clusters {@code e*} by {@code n} of them, with one endpoint each (untimed). */
  private void addBulkClusters(int n) throws Exception {
    int v = ++version;
    List<Cluster> clusters = withoutPrefix(rig.management.clusters(), "e");
    List<ClusterLoadAssignment> endpoints = withoutPrefixCla(rig.management.endpoints(), "e");
    for (int i = 0; i < n; i++) {
      clusters.add(XdsBenchResources.edsCluster("e" + i, 1000));
      endpoints.add(XdsBenchResources.bulkEndpoints("e" + i, i, 1, 20_000 + v));
    }
    Snapshot s = nextSnapshot(clusters, endpoints, null, null);
    int expected = n;
    rig.push(rememberSnapshot(s), snapshot -> {
      int found = 0;
      for (String name : snapshot.clusters().keySet()) {
        if (name.startsWith("e") && !name.equals(XdsBenchResources.EDS_PROBE_CLUSTER)) {
          found++;
        }
      }
      ClusterConfig last = snapshot.clusters().get("e" + (expected - 1));
      return found == expected && last != null && last.endpoints().size() == 1;
    }, null);
  }

  /**
   * Every endpoint of {@code clusters} bulk clusters ({@code perCluster} each) moved to a new port,
   * and the probed cluster's endpoint to the other backend, in one EDS push. Timed until the probe
   * is served by the new backend.
   */
  private XdsBenchRig.Timing pushEndpoints(int clusters, int perCluster) throws Exception {
    int v = ++version;
    boolean toB = !edsProbeOnB;
    edsProbeOnB = toB;
    int probePort = toB ? rig.backendB.port() : rig.backendA.port();
    int bulkPort = 20_000 + v;
    List<ClusterLoadAssignment> endpoints = withoutProbe(withoutPrefixCla(rig.management.endpoints(), "e"));
    endpoints.add(XdsBenchResources.loopback(XdsBenchResources.EDS_PROBE_CLUSTER, probePort));
    for (int i = 0; i < clusters; i++) {
      endpoints.add(XdsBenchResources.bulkEndpoints("e" + i, i, perCluster, bulkPort));
    }
    Snapshot s = nextSnapshot(null, endpoints, null, null);
    String last = "e" + (clusters - 1);
    return rig.push(rememberSnapshot(s), snapshot -> {
      ClusterConfig probe = snapshot.clusters().get(XdsBenchResources.EDS_PROBE_CLUSTER);
      ClusterConfig e0 = snapshot.clusters().get("e0");
      ClusterConfig el = snapshot.clusters().get(last);
      return probe != null && e0 != null && el != null && !probe.endpoints().isEmpty()
          && probe.endpoints().get(0).address().port() == probePort
          && el.endpoints().size() == perCluster && e0.endpoints().get(0).address().port() == bulkPort
          && el.endpoints().get(0).address().port() == bulkPort;
    }, new XdsBenchRig.Probe("/x", XdsBenchResources.EDS_HOST, toB ? "b" : "a"));
  }

  // ------------------------------------------------------------------ 4. one added route

  private void addedRoute() throws Exception {
    String cdsCluster = "c" + (config.clusters() - 1);
    pushRoutes(config.baseRoutes(), cdsCluster);
    List<Route> added = new ArrayList<>(extra);
    List<XdsBenchRig.Timing> timings = new ArrayList<>();
    for (int i = 0; i < config.warmups() + config.addedReps(); i++) {
      int v = ++version;
      String name = "added-" + v;
      added.add(XdsBenchResources.prefix(name, "/" + name + "/", XdsBenchResources.STEADY_CLUSTER));
      extra = List.copyOf(added);
      Snapshot s = nextSnapshot(null, null, null, List.of(XdsBenchResources.routes(synthetic, extra, cdsCluster)));
      XdsBenchRig.Timing t = rig.push(rememberSnapshot(s), snapshot -> hasRoute(snapshot, name),
          new XdsBenchRig.Probe("/" + name + "/x", XdsBenchResources.lastVhostDomain(synthetic), null));
      if (i >= config.warmups()) {
        timings.add(t);
      }
    }
    recordTimes("add", timings);
  }

  // ------------------------------------------------------------------ 5. heap

  /**
   * Heap retained, as used heap after full collections before and after a push that adds N of a
   * thing. Both measurements hold the management server's old and new snapshots (this class keeps
   * them), so the difference is what the xDS client, the snapshot and the server retain — plus
   * whatever per-stream state the management server keeps, which is small next to it.
   */
  private void heap() throws Exception {
    String cdsCluster = "c" + (config.clusters() - 1);
    // Routes: from the base table to the large one.
    int routesBefore = synthetic + extra.size();
    int v = ++version;
    String name = "probe-v" + v;
    List<Route> probe = List.of(XdsBenchResources.prefix(name, "/" + name + "/", XdsBenchResources.STEADY_CLUSTER));
    Snapshot bigRoutes = rememberSnapshot(nextSnapshot(null, null, null,
        List.of(XdsBenchResources.routes(config.routes(), probe, cdsCluster))));
    long before = usedHeapAfterGc();
    rig.push(bigRoutes, snapshot -> hasRoute(snapshot, name),
        new XdsBenchRig.Probe("/" + name + "/x", XdsBenchResources.lastVhostDomain(config.routes()), null));
    synthetic = config.routes();
    extra = probe;
    long after = usedHeapAfterGc();
    int routesAdded = synthetic + extra.size() - routesBefore;
    figures.put("heap_route_bytes", (after - before) / (double) routesAdded);
    log(String.format(Locale.ROOT, "heap: %,d routes added: %,d bytes", routesAdded, after - before));

    // Clusters: the c* clusters removed, then added back.
    pushWithout("c");
    int vc = ++version;
    int port = rig.backendA.port();
    cdsOnB = false;
    List<Cluster> clusters = withoutPrefix(rig.management.clusters(), "c");
    List<ClusterLoadAssignment> endpoints = withoutPrefixCla(rig.management.endpoints(), "c");
    for (int i = 0; i < config.clusters(); i++) {
      clusters.add(XdsBenchResources.edsCluster("c" + i, 1000 + vc));
      endpoints.add(XdsBenchResources.loopback("c" + i, port));
    }
    Snapshot withClusters = rememberSnapshot(nextSnapshot(clusters, endpoints, null, null));
    before = usedHeapAfterGc();
    String last = "c" + (config.clusters() - 1);
    rig.push(withClusters, snapshot -> snapshot.clusters().containsKey(last),
        new XdsBenchRig.Probe("/x", XdsBenchResources.CDS_HOST, "a"));
    after = usedHeapAfterGc();
    figures.put("heap_cluster_bytes", (after - before) / (double) config.clusters());
    log(String.format(Locale.ROOT, "heap: %,d clusters added: %,d bytes", config.clusters(), after - before));

    // Endpoints: the bulk clusters from one endpoint each to endpoints/endpointClusters each.
    int perCluster = config.endpoints() / config.endpointClusters();
    addBulkClusters(config.endpointClusters());
    int ve = ++version;
    List<ClusterLoadAssignment> bulk = withoutPrefixCla(rig.management.endpoints(), "e");
    for (int i = 0; i < config.endpointClusters(); i++) {
      bulk.add(XdsBenchResources.bulkEndpoints("e" + i, i, perCluster, 20_000 + ve));
    }
    Snapshot withEndpoints = rememberSnapshot(nextSnapshot(null, bulk, null, null));
    before = usedHeapAfterGc();
    String lastBulk = "e" + (config.endpointClusters() - 1);
    rig.push(withEndpoints, snapshot -> {
      ClusterConfig c = snapshot.clusters().get(lastBulk);
      return c != null && c.endpoints().size() == perCluster;
    }, null);
    after = usedHeapAfterGc();
    int endpointsAdded = config.endpointClusters() * (perCluster - 1);
    figures.put("heap_endpoint_bytes", (after - before) / (double) endpointsAdded);
    log(String.format(Locale.ROOT, "heap: %,d endpoints added: %,d bytes", endpointsAdded, after - before));
    keep.clear();
  }

  /** Removes the clusters (and their assignments) whose names start with {@code prefix} (untimed). */
  private void pushWithout(String prefix) throws Exception {
    Snapshot s = nextSnapshot(withoutPrefix(rig.management.clusters(), prefix),
        withoutPrefixCla(rig.management.endpoints(), prefix), null, null);
    rig.push(rememberSnapshot(s), snapshot -> snapshot.clusters().keySet().stream()
        .noneMatch(n -> n.startsWith(prefix) && Character.isDigit(n.charAt(prefix.length()))), null);
  }

  private long usedHeapAfterGc() {
    rig.forgetEvents();
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  // ------------------------------------------------------------------ 6. latency during updates

  /**
   * An open-loop stream to a route that every version keeps: after a one-second warm-up,
   * {@code steadySeconds} without updates (the steady state), then an update of the large table
   * every {@code streamGap}. Requests scheduled from a push until 50 ms after it applied and served
   * are "during"; the steady figures come from the update-free period only.
   */
  private void latencyDuringUpdates() throws Exception {
    String cdsCluster = "c" + (config.clusters() - 1);
    if (synthetic != config.routes()) {
      pushRoutes(config.routes(), cdsCluster);
    }
    // Garbage of the steps before must not be collected during the steady period.
    usedHeapAfterGc();
    int g = (config.routes() / 2) / 5 * 5;
    LatencyStream stream = new LatencyStream(rig.listenerPort, XdsBenchResources.prefixRoutePath(g),
        XdsBenchResources.vhostDomain(g / XdsBenchResources.ROUTES_PER_VHOST), config.connections(), config.rate());
    long gapMillis = config.streamGap().toMillis();
    long maxSeconds = 10 + config.steadySeconds() + config.streamUpdates() * (gapMillis / 1000 + 3);
    long start = System.nanoTime();
    long steadyFrom = start + 1_000_000_000L;
    long steadyTo = steadyFrom + config.steadySeconds() * 1_000_000_000L;
    GcPauses gc = new GcPauses();
    stream.start(maxSeconds);
    List<long[]> windows = new ArrayList<>();
    List<XdsBenchRig.Timing> timings = new ArrayList<>();
    LatencyStream.Samples samples;
    try {
      Thread.sleep((steadyTo - System.nanoTime()) / 1_000_000);
      for (int i = 0; i < config.streamUpdates(); i++) {
        long t0 = System.nanoTime();
        XdsBenchRig.Timing t = pushRoutes(config.routes(), cdsCluster);
        timings.add(t);
        windows.add(new long[] {t0, t0 + Math.max(t.applied(), t.served())});
        Thread.sleep(gapMillis);
      }
    } finally {
      samples = stream.stop();
      gc.close();
    }
    recordTimes("stream_update", timings);
    // GC pauses that overlap the steady period and the "during" windows (each widened as below).
    double[] gcSteady = gc.within(List.of(new long[] {steadyFrom, steadyTo}));
    List<long[]> widened = new ArrayList<>();
    windows.forEach(w -> widened.add(new long[] {w[0], w[1] + 50_000_000L}));
    double[] gcDuring = gc.within(widened);
    figures.put("gc_steady_count", gcSteady[0]);
    figures.put("gc_steady_max", gcSteady[1]);
    figures.put("gc_during_count", gcDuring[0]);
    figures.put("gc_during_max", gcDuring[1]);
    List<Long> steady = new ArrayList<>();
    List<Long> during = new ArrayList<>();
    List<Long> steadyService = new ArrayList<>();
    List<Long> duringService = new ArrayList<>();
    for (int i = 0; i < samples.count(); i++) {
      long at = samples.intended()[i];
      if (at >= steadyFrom && at < steadyTo) {
        steady.add(samples.latency()[i]);
        steadyService.add(samples.service()[i]);
        continue;
      }
      for (long[] w : windows) {
        if (at >= w[0] && at <= w[1] + 50_000_000L) {
          during.add(samples.latency()[i]);
          duringService.add(samples.service()[i]);
          break;
        }
      }
    }
    percentiles("lat_steady", steady);
    percentiles("lat_during", during);
    percentiles("svc_steady", steadyService);
    percentiles("svc_during", duringService);
    figures.put("lat_failures", (double) samples.failures());
    figures.put("lat_rate", config.rate());
    if (figures.get("lat_steady_p99") != null && figures.get("lat_during_p99") != null) {
      figures.put("lat_p99_ratio", figures.get("lat_during_p99") / figures.get("lat_steady_p99"));
    }
  }

  private void percentiles(String key, List<Long> latencies) {
    figures.put(key + "_n", (double) latencies.size());
    if (latencies.isEmpty()) {
      return;
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    figures.put(key + "_p50", ms(sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.50 * sorted.length) - 1)]));
    figures.put(key + "_p99", ms(sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)]));
    figures.put(key + "_max", ms(sorted[sorted.length - 1]));
  }

  // ------------------------------------------------------------------ helpers

  private Snapshot nextSnapshot(List<Cluster> clusters, List<ClusterLoadAssignment> endpoints,
      List<io.envoyproxy.envoy.config.listener.v3.Listener> listeners, List<RouteConfiguration> routes) {
    return rig.management.next(clusters, endpoints, listeners, routes);
  }

  /** Snapshots stay referenced until the heap step is over, so that they never count as freed. */
  private Snapshot rememberSnapshot(Snapshot s) {
    keep.add(s);
    if (keep.size() > 3) {
      keep.remove(0);
    }
    return s;
  }

  private void recordTimes(String key, List<XdsBenchRig.Timing> timings) {
    record(key + "_set", timings.stream().mapToLong(XdsBenchRig.Timing::setSnapshot).toArray());
    record(key + "_received", timings.stream().mapToLong(XdsBenchRig.Timing::received).toArray());
    record(key + "_applied", timings.stream().mapToLong(XdsBenchRig.Timing::applied).toArray());
    if (timings.stream().allMatch(t -> t.served() >= 0)) {
      record(key + "_served", timings.stream().mapToLong(XdsBenchRig.Timing::served).toArray());
    }
    record(key + "_cpu", timings.stream().mapToLong(XdsBenchRig.Timing::updateCpu).toArray());
    record(key + "_gc", timings.stream().mapToLong(XdsBenchRig.Timing::gcPause).toArray());
    StringBuilder b = new StringBuilder(key + ":");
    for (XdsBenchRig.Timing t : timings) {
      b.append(String.format(Locale.ROOT, " [set %.1f, recv %.1f, applied %.1f, served %.1f, cpu %.1f, gc %.1f]",
          ms(t.setSnapshot()), ms(t.received()), ms(t.applied()), ms(t.served()), ms(t.updateCpu()),
          ms(t.gcPause())));
    }
    log(b.toString());
  }

  private void record(String key, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    figures.put(key + "_median", median / 1e6);
    figures.put(key + "_max", sorted[n - 1] / 1e6);
    figures.put(key + "_n", (double) n);
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static List<Cluster> withoutPrefix(List<Cluster> clusters, String prefix) {
    List<Cluster> out = new ArrayList<>();
    for (Cluster c : clusters) {
      if (!isBulk(c.getName(), prefix)) {
        out.add(c);
      }
    }
    return out;
  }

  private static List<ClusterLoadAssignment> withoutPrefixCla(List<ClusterLoadAssignment> all, String prefix) {
    List<ClusterLoadAssignment> out = new ArrayList<>();
    for (ClusterLoadAssignment c : all) {
      if (!isBulk(c.getClusterName(), prefix)) {
        out.add(c);
      }
    }
    return out;
  }

  private static List<ClusterLoadAssignment> withoutProbe(List<ClusterLoadAssignment> all) {
    all.removeIf(c -> c.getClusterName().equals(XdsBenchResources.EDS_PROBE_CLUSTER));
    return all;
  }

  /** {@code c<n>} or {@code e<n>}; the eds-probe cluster is not bulk. */
  private static boolean isBulk(String name, String prefix) {
    return name.length() > prefix.length() && name.startsWith(prefix)
        && Character.isDigit(name.charAt(prefix.length()));
  }

  /** Whether the benchmark listener's route table holds a route of this name. */
  static boolean hasRoute(ConfigSnapshot snapshot, String routeName) {
    for (ListenerConfig l : snapshot.listeners()) {
      if (!l.name().equals(XdsBenchResources.LISTENER)) {
        continue;
      }
      for (FilterChainConfig chain : l.filterChains()) {
        if (chain.terminalFilter() instanceof HttpConnectionManagerConfig hcm) {
          List<VirtualHostConfig> vhosts = hcm.routeConfig().virtualHosts();
          // The probe routes sit at the end of the last synthetic virtual host.
          for (int i = vhosts.size() - 1; i >= 0; i--) {
            List<RouteRuleConfig> routes = vhosts.get(i).routes();
            for (int j = routes.size() - 1; j >= 0 && j >= routes.size() - 64; j--) {
              if (routes.get(j).name().equals(routeName)) {
                return true;
              }
            }
            if (vhosts.get(i).name().startsWith("vh")) {
              break;
            }
          }
        }
      }
    }
    return false;
  }

  static void log(String message) {
    System.err.println("[xds-bench] " + message);
  }
}
