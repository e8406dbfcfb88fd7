package dev.sluice.perf.xds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Writes {@code perf/RESULTS-xds.md} from the figures of one or more {@code XdsBench run}s (one
 * per {@code api_type}): the machine, every figure beside its target, the method, and the JFR
 * summary of the RDS update path.
 */
final class XdsBenchReport {
  private record Row(String figure, String target, Function<Map<String, Double>, String> cell,
      Predicate<Map<String, Double>> meets) {}

  private XdsBenchReport() {}

  static void main(String[] args) throws IOException {
    Path out = null;
    Path meta = null;
    Path hotMethods = null;
    List<Path> inputs = new ArrayList<>();
    Map<String, Path> jfr = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--meta" -> meta = Path.of(args[++i]);
        case "--hot-methods" -> hotMethods = Path.of(args[++i]);
        case "--jfr" -> {
          String[] kv = args[++i].split("=", 2);
          jfr.put(kv[0], Path.of(kv[1]));
        }
        default -> inputs.add(Path.of(args[i]));
      }
    }
    Map<String, Map<String, Double>> byApi = new LinkedHashMap<>();
    for (Path p : inputs) {
      Map<String, Double> figures = new HashMap<>();
      String api = p.getFileName().toString();
      for (String line : Files.readAllLines(p)) {
        String[] kv = line.split("\t");
        if (line.startsWith("# api")) {
          api = kv[1];
        } else if (kv.length == 2) {
          figures.put(kv[0], Double.parseDouble(kv[1]));
        }
      }
      byApi.put(api, figures);
    }
    List<String> md = new ArrayList<>();
    md.add("# Sluice xDS update benchmark");
    md.add("");
    md.add("Written by `perf/xds-bench.sh` (issue 4, \"Performance\"). Do not edit by hand; re-run the script.");
    md.add("");
    if (meta != null) {
      for (String line : Files.readAllLines(meta)) {
        md.add("- " + line);
      }
      md.add("");
    }
    md.add("## Figures against the targets");
    md.add("");
    md.add("Times are from `SimpleCache.setSnapshot` being called, median / max over the repetitions "
        + "(5 unless noted), in milliseconds. \"→ served\" is the first request that needs the update "
        + "answered correctly (the probe polls about every 1 ms). Judged on the median.");
    md.add("");
    StringBuilder header = new StringBuilder("| figure | target |");
    StringBuilder rule = new StringBuilder("| --- | --- |");
    for (String api : byApi.keySet()) {
      header.append(' ').append(api.equals("GRPC") ? "GRPC (state of the world)"
          : api.equals("DELTA_GRPC") ? "DELTA_GRPC (incremental)" : api).append(" |");
      rule.append(" ---: |");
    }
    md.add(header.toString());
    md.add(rule.toString());
    for (Row row : rows()) {
      StringBuilder b = new StringBuilder("| " + row.figure() + " | " + row.target() + " |");
      for (Map<String, Double> f : byApi.values()) {
        String cell;
        try {
          cell = row.cell().apply(f);
          if (row.meets() != null) {
            cell += row.meets().test(f) ? " ✅" : " ❌";
          }
        } catch (RuntimeException e) {
          cell = "n/a";
        }
        b.append(' ').append(cell).append(" |");
      }
      md.add(b.toString());
    }
    md.add("");
    md.addAll(method());
    for (Map.Entry<String, Path> e : jfr.entrySet()) {
      if (!Files.exists(e.getValue())) {
        continue;
      }
      md.add("");
      md.add("## JFR: the 10,000-route RDS update path (" + e.getKey() + ")");
      md.add("");
      md.add("Ten updates recorded after the timed ones (`" + e.getValue().getFileName() + "`, kept under "
          + "`perf/target/xds-bench/`).");
      md.add("");
      md.addAll(XdsJfrSummary.markdown(e.getValue(), 15));
    }
    if (hotMethods != null && Files.exists(hotMethods)) {
      md.add("");
      md.add("`jfr view hot-methods` (Temurin 25's jfr, whole JVM, first recording):");
      md.add("");
      md.add("```");
      md.addAll(Files.readAllLines(hotMethods));
      md.add("```");
    }
    md.add("");
    Files.writeString(out, String.join("\n", md));
    System.out.println("wrote " + out);
  }

  private static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    timeRows(rows, "RDS, 10,000 routes replaced", "rds", "< 200 ms", 200);
    rows.add(new Row("RDS, 10,000 routes, first load in a cold JVM: → apply returned / → served", "—",
        f -> String.format(Locale.ROOT, "%.0f / %.0f", f.get("rds_cold_applied_median"),
            f.get("rds_cold_served_median")), null));
    timeRows(rows, "CDS, 1,000 EDS clusters changed (with their 1,000 assignments)", "cds", "—", 0);
    timeRows(rows, "EDS, 10,000 endpoints changed (100 clusters × 100)", "eds", "—", 0);
    timeRows(rows, "EDS, 10,000 endpoints changed in one cluster (3 reps)", "eds1", "—", 0);
    rows.add(new Row("One route added to 1,000: → served (median / max of 20)", "< 30 ms",
        f -> medMax(f, "add_served"), f -> f.get("add_served_median") < 30));
    rows.add(new Row("One route added to 1,000: → watcher / → apply returned (medians)", "—",
        f -> String.format(Locale.ROOT, "%.1f / %.1f", f.get("add_received_median"), f.get("add_applied_median")),
        null));
    rows.add(new Row("Heap retained per route", "—", f -> bytes(f.get("heap_route_bytes")), null));
    rows.add(new Row("Heap retained per cluster (EDS, 1 endpoint, stats)", "< 10 KB",
        f -> bytes(f.get("heap_cluster_bytes")), f -> f.get("heap_cluster_bytes") < 10 * 1024));
    rows.add(new Row("Heap retained per endpoint", "< 2 KB", f -> bytes(f.get("heap_endpoint_bytes")),
        f -> f.get("heap_endpoint_bytes") < 2 * 1024));
    rows.add(new Row("RDS, 10,000 routes, while serving 2,000 req/s: → `server.apply` returned (median / max of 8)",
        "< 200 ms", f -> medMax(f, "stream_update_applied"), f -> f.get("stream_update_applied_median") < 200));
    rows.add(new Row("Request latency, steady: p50 / p99 / max (ms)", "—",
        f -> String.format(Locale.ROOT, "%.2f / %.2f / %.1f (n=%,.0f)", f.get("lat_steady_p50"),
            f.get("lat_steady_p99"), f.get("lat_steady_max"), f.get("lat_steady_n")), null));
    rows.add(new Row("Request latency during 10,000-route updates: p50 / p99 / max (ms)", "—",
        f -> String.format(Locale.ROOT, "%.2f / %.2f / %.1f (n=%,.0f)", f.get("lat_during_p50"),
            f.get("lat_during_p99"), f.get("lat_during_max"), f.get("lat_during_n")), null));
    rows.add(new Row("Service time (from the actual write; no generator lateness) p99, steady / during (ms)", "—",
        f -> String.format(Locale.ROOT, "%.2f / %.2f", f.get("svc_steady_p99"), f.get("svc_during_p99")), null));
    rows.add(new Row("GC pauses overlapping the steady period / the update windows: count, longest (ms)", "—",
        f -> String.format(Locale.ROOT, "%.0f, %.1f / %.0f, %.1f", f.get("gc_steady_count"), f.get("gc_steady_max"),
            f.get("gc_during_count"), f.get("gc_during_max")), null));
    rows.add(new Row("p99 during update ÷ p99 steady", "≤ 2×",
        f -> String.format(Locale.ROOT, "%.2f×", f.get("lat_p99_ratio")), f -> f.get("lat_p99_ratio") <= 2));
    rows.add(new Row("Failed requests in the stream; NACKs; apply failures", "0",
        f -> String.format(Locale.ROOT, "%.0f; %.0f; %.0f", f.get("lat_failures"), f.get("nacks"),
            f.get("apply_failures")),
        f -> f.get("lat_failures") == 0 && f.get("nacks") == 0 && f.get("apply_failures") == 0));
    return rows;
  }

  private static void timeRows(List<Row> rows, String what, String key, String target, double limit) {
    rows.add(new Row(what + ": `setSnapshot` returned", "—", f -> medMax(f, key + "_set"), null));
    rows.add(new Row(what + ": → watcher got the snapshot", "—", f -> medMax(f, key + "_received"), null));
    rows.add(new Row(what + ": → `server.apply` returned", target, f -> medMax(f, key + "_applied"),
        limit > 0 ? f -> f.get(key + "_applied_median") < limit : null));
    rows.add(new Row(what + ": → first request needing it served", "—", f -> medMax(f, key + "_served"), null));
    rows.add(new Row(what + ": CPU of the update threads / GC pauses, per update", "—",
        f -> String.format(Locale.ROOT, "%.1f / %.1f", f.get(key + "_cpu_median"), f.get(key + "_gc_median")), null));
  }

  private static String medMax(Map<String, Double> f, String key) {
    return String.format(Locale.ROOT, "%.1f / %.1f", f.get(key + "_median"), f.get(key + "_max"));
  }

  private static String bytes(double b) {
    return b >= 10_240 ? String.format(Locale.ROOT, "%.1f KB", b / 1024) : String.format(Locale.ROOT, "%,.0f B", b);
  }

  private static List<String> method() {
    return List.of(
        "## Method",
        "",
        "One JVM with the `./sluice` launcher's settings (`-XX:+UseParallelGC -Xms256m -Xmx1g`), everything on 127.0.0.1: java-control-plane 1.0.49 "
            + "(`V3DiscoveryServer` over a `SimpleCache`, one version per resource type so that an RDS push "
            + "re-sends RDS only), two Netty HTTP/1.1 backends, `SluiceServer` with one worker event loop and a "
            + "bootstrap whose `dynamic_resources` name the management server (ADS, `api_type` per column), "
            + "the `XdsClient` handing each snapshot to one configuration thread that calls `server.apply` "
            + "(the wiring of `sluice run`), and blocking keep-alive HTTP/1.1 probes. The machine may have been "
            + "shared with another benchmark; see the load average above.",
        "",
        "- **Update times.** Each push builds a new java-control-plane `Snapshot`, then times from calling "
            + "`setSnapshot` (which answers open watches on the calling thread, serialising the response) to: "
            + "the `SnapshotWatcher` receiving a snapshot that contains the change; `server.apply` returning "
            + "for it; the first probe response that needs the change (probe on its own connection, polling "
            + "about every 1 ms from before the push). The first large load of each kind is a warm-up (its RDS "
            + "figure is shown as \"cold\"), then 10 untimed updates (JIT warm-up), then 5 timed ones. Beside the "
            + "wall-clock times, the CPU time that Sluice's update threads (`sluice-xds-client`, `sluice-config`, "
            + "`sluice-cluster-manager`, from `ThreadMXBean`) and the GC pauses (`GarbageCollectorMXBean`) took "
            + "per update: on a shared machine these vary far less than the wall-clock figures.",
        "- **RDS.** 1,000 virtual hosts × 10 routes (`vh<k>.example.com`): prefix, exact path, prefix + "
            + "exact header, path_separated_prefix, prefix + present and prefix headers, in turn — the shapes of "
            + "the JMH `RouteTableBenchmark`. Each update renames one route at the end of the last virtual host "
            + "(the whole 10,000-route resource is resent, re-decoded and recompiled); the probe asks for it.",
        "- **CDS.** 1,000 EDS clusters, each update changing every cluster's connect timeout and moving its "
            + "one endpoint to the other backend (CDS and EDS in one push; state of the world fetches EDS "
            + "after CDS). The probe asks a route to the last cluster and wants the new backend.",
        "- **EDS.** 100 clusters × 100 endpoints (10.x addresses nothing connects to) all moved to a new "
            + "port, plus a probed cluster whose one endpoint moves to the other backend, in one push; and the "
            + "same with all 10,000 endpoints in one cluster.",
        "- **Added route.** A table of 1,000 routes; each of 20 updates adds one route, polled for every ~1 ms.",
        "- **Heap.** Used heap after four `System.gc()` (least of the readings) before and after a push that "
            + "adds the things: 1,000 → 10,000 routes; 1,000 EDS clusters (1 endpoint each) added; 100 clusters "
            + "from 1 to 100 endpoints each. Both readings hold the old and the new management-server snapshots, "
            + "so the difference is what Sluice retains (xDS client state including the raw resources, the "
            + "published snapshot, compiled route tables, live clusters and endpoints, their stats), plus the "
            + "management server's small per-stream state.",
        "- **Latency during updates.** 4 keep-alive connections at 2,000 requests/s in total, open loop: each "
            + "request is timed from its scheduled send time (coordinated omission corrected), to a route "
            + "every version keeps, with the 10,000-route table in place. After a full GC and 1 s of warm-up, "
            + "5 s without updates (\"steady\"), then 8 updates of the table 1 s apart; requests scheduled "
            + "from a push until 50 ms after it applied and served count as \"during\". The load threads, the "
            + "backends and the management server share the JVM and the two CPUs with the proxy, and a GC pause "
            + "stops them all: latency from the scheduled time counts both a pause and the generator's own lateness "
            + "(as a client would see a pause), service time from the actual write counts neither of the latter "
            + "for requests not yet sent; the GC row says which pauses fell where.",
        "- **JFR.** `jdk.ExecutionSample` every 1 ms over 10 further RDS updates; the summary keeps the "
            + "update path's threads (xDS client, configuration thread, cluster manager).");
  }
}
