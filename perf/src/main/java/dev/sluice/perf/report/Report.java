package dev.sluice.perf.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * Turns the raw figures perf/compare.sh collected into perf/RESULTS.md: one table with a column
 * per peer, each cell the median over the repetitions with its range, and the ratio of Sluice to
 * the better of nginx and HAProxy. Latencies come from the HdrHistograms of all repetitions
 * merged (percentiles are never averaged).
 *
 * <pre>
 * Report RUN_DIR [--keep-from EARLIER_RUN_DIR [--keep-peer OLD=NEW]...]
 *     reads RUN_DIR/results.csv (test,peer,rep,metric,value), RUN_DIR/meta.txt (key=value) and the
 *     histogram logs named in results.csv; prints Markdown. With --keep-from, the tests this run
 *     did not measure are taken from the earlier run directory: its direct, nginx and HAProxy
 *     columns by name, a Sluice column only when --keep-peer maps it onto one of this run's or
 *     this run has one of the same name (so a row never mixes two Sluice configurations unseen).
 * </pre>
 */
public final class Report {
  private static final List<String> PEERS = List.of("nginx", "haproxy");

  /** Whether a larger figure is better, for picking the best peer. */
  private enum Better { HIGHER, LOWER, NONE }

  private record Row(String test, String metric, String label, Better better, String unit) {}

  private static final List<Row> ROWS = List.of(
      new Row("a", "rps", "(a) HTTP/1.1 keep-alive, 64 conns, wrk: req/s", Better.HIGHER, ""),
      new Row("a", "cpu_us_per_req", "(a) proxy CPU per request", Better.LOWER, " µs"),
      new Row("a", "cpu1_busy_pct", "(a) CPU 1 busy (proxy core)", Better.NONE, " %"),
      new Row("a", "gc_pauses", "(a) GC pauses during the run (JVM)", Better.NONE, ""),
      new Row("a", "gc_pause_ms", "(a) GC pause time during the run (JVM)", Better.NONE, " ms"),
      new Row("b", "achieved_rps", "(b) fixed rate, 64 conns, open loop: achieved req/s", Better.NONE, ""),
      new Row("b", "merged_p50_us", "(b) latency p50 (CO-corrected)", Better.LOWER, " µs"),
      new Row("b", "merged_p99_us", "(b) latency p99 (CO-corrected)", Better.LOWER, " µs"),
      new Row("b", "merged_p999_us", "(b) latency p99.9 (CO-corrected)", Better.LOWER, " µs"),
      new Row("b", "added_p50_us", "(b) added p50 over direct", Better.LOWER, " µs"),
      new Row("b", "added_p99_us", "(b) added p99 over direct", Better.LOWER, " µs"),
      new Row("b", "merged_max_us", "(b) latency max", Better.LOWER, " µs"),
      new Row("b", "cpu_us_per_req", "(b) proxy CPU per request at the fixed rate", Better.LOWER, " µs"),
      new Row("b", "cpu0_busy_pct", "(b) CPU 0 busy (backend + load generator)", Better.NONE, " %"),
      new Row("b", "gc_pauses", "(b) GC pauses during the run (JVM)", Better.NONE, ""),
      new Row("b", "gc_pause_ms", "(b) GC pause time during the run (JVM)", Better.NONE, " ms"),
      new Row("c", "rps", "(c) HTTP/2 cleartext, h2load 16×16: req/s", Better.HIGHER, ""),
      new Row("c", "cpu_us_per_req", "(c) proxy CPU per request", Better.LOWER, " µs"),
      new Row("d", "rps", "(d) HTTP/2 over TLS, h2load 16×16: req/s", Better.HIGHER, ""),
      new Row("d", "cpu_us_per_req", "(d) proxy CPU per request", Better.LOWER, " µs"),
      new Row("e", "rps", "(e) HTTPS/1.1 keep-alive, 64 conns, wrk: req/s", Better.HIGHER, ""),
      new Row("e", "cpu_us_per_req", "(e) proxy CPU per request", Better.LOWER, " µs"),
      new Row("f", "hs_per_s", "(f) new TLS connection per request (P-256, TLS 1.3): handshakes/s", Better.HIGHER, ""),
      new Row("f", "cpu_us_per_hs", "(f) proxy CPU per handshake", Better.LOWER, " µs"),
      new Row("f", "accepts_per_req", "(f) accepted connections per request (check: ≈ 1)", Better.NONE, ""),
      new Row("f", "cpu1_busy_pct", "(f) CPU 1 busy (proxy core)", Better.NONE, " %"),
      new Row("f", "cpu0_busy_pct", "(f) CPU 0 busy (client + backend)", Better.NONE, " %"),
      new Row("r", "hs_per_s", "(r) resumed TLS connection per request (TLS 1.3 tickets, 32 conns): handshakes/s",
          Better.HIGHER, ""),
      new Row("r", "cpu_us_per_hs", "(r) proxy CPU per resumed handshake", Better.LOWER, " µs"),
      new Row("r", "resumed_pct", "(r) handshakes that resumed (check: ≈ 100 %)", Better.NONE, " %"),
      new Row("r", "accepts_per_req", "(r) accepted connections per request (check: ≈ 1)", Better.NONE, ""),
      new Row("r", "cpu1_busy_pct", "(r) CPU 1 busy (proxy core)", Better.NONE, " %"),
      new Row("r", "cpu0_busy_pct", "(r) CPU 0 busy (client + backend)", Better.NONE, " %"),
      new Row("t", "gbps", "(t) TCP proxy, iperf3 one stream: Gbit/s", Better.HIGHER, ""),
      new Row("t", "vs_direct", "(t) throughput ÷ direct (target ≥ 0.8)", Better.NONE, ""),
      new Row("t", "cpu_ms_per_gb", "(t) proxy CPU per GB carried", Better.LOWER, " ms"),
      new Row("t", "cpu1_busy_pct", "(t) CPU 1 busy (proxy core)", Better.NONE, " %"),
      new Row("g", "rss_b_per_conn", "(g) RSS growth per idle keep-alive connection", Better.LOWER, " B"),
      new Row("g", "rss_mb_per_10k", "(g) RSS growth scaled to 10,000 connections", Better.LOWER, " MB"),
      new Row("g", "heap_b_per_conn", "(g) live Java heap per idle connection (after full GC)", Better.NONE, " B"),
      new Row("g", "conns", "(g) idle connections held", Better.NONE, ""),
      new Row("g", "rss_start_mb", "RSS at start, before any load", Better.LOWER, " MB"),
      new Row("g", "rss_loaded_mb", "RSS after the load tests (before (g))", Better.LOWER, " MB"),
      new Row("s", "syscalls_per_req", "(s) system calls per request at 1,000 req/s (strace)", Better.LOWER, ""));

  private final Map<String, String> meta;
  /** test → peer → metric → values over repetitions (strings, "n/a" allowed). */
  private final Map<String, Map<String, Map<String, List<String>>>> data = new TreeMap<>();
  private final Set<String> peers = new LinkedHashSet<>();
  private final Path runDir;
  /** The earlier run whose rows fill the tests not measured now, or null. */
  private final Path keepFrom;
  private final Map<String, String> keptMeta;
  private final Set<String> keptTests = new TreeSet<>();
  /** Earlier run's peer → the column it continues as; and the earlier Sluice columns left out. */
  private final Map<String, String> keptPeers = new TreeMap<>();
  private final Set<String> droppedPeers = new TreeSet<>();

  private Report(Path runDir, Path keepFrom, Map<String, String> rename) throws IOException {
    this.runDir = runDir;
    this.keepFrom = keepFrom;
    this.meta = readMeta(runDir.resolve("meta.txt"));
    load(runDir, null, null);
    if (keepFrom != null) {
      this.keptMeta = readMeta(keepFrom.resolve("meta.txt"));
      load(keepFrom, rename, new HashSet<>(data.keySet()));
    } else {
      this.keptMeta = Map.of();
    }
    mergeLatencies();
    scaleIdle();
    relativeToDirect();
  }

  /**
   * Reads one run's results.csv. For an earlier run ({@code measured} not null) only the tests not
   * in {@code measured} are taken, peers renamed or left out as the class comment says, and
   * histogram log paths made absolute.
   */
  private void load(Path dir, Map<String, String> rename, Set<String> measured) throws IOException {
    Set<String> current = new HashSet<>(peers);
    for (String line : Files.readAllLines(dir.resolve("results.csv"), StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(",", 5);
      if (f.length < 5) {
        continue;
      }
      String test = f[0];
      String peer = f[1];
      String value = f[4];
      if (measured != null) {
        if (measured.contains(test)) {
          continue;
        }
        String mapped = rename.get(peer);
        if (mapped != null) {
          keptPeers.put(peer, mapped);
          peer = mapped;
        } else if (peer.startsWith("sluice") && !current.contains(peer)) {
          droppedPeers.add(peer);
          continue;
        }
        if (f[3].equals("hlog")) {
          value = dir.resolve(value).toAbsolutePath().toString();
        }
        keptTests.add(test);
      }
      peers.add(peer);
      data.computeIfAbsent(test, k -> new TreeMap<>())
          .computeIfAbsent(peer, k -> new TreeMap<>())
          .computeIfAbsent(f[3], k -> new ArrayList<>())
          .add(value);
    }
  }

  public static void main(String[] args) throws IOException {
    Path keepFrom = null;
    Map<String, String> rename = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        usage();
      }
      switch (args[i]) {
        case "--keep-from" -> keepFrom = Path.of(args[i + 1]);
        case "--keep-peer" -> {
          String[] kv = args[i + 1].split("=", 2);
          if (kv.length != 2) {
            usage();
          }
          rename.put(kv[0], kv[1]);
        }
        default -> usage();
      }
    }
    if (args.length < 1) {
      usage();
    }
    new Report(Path.of(args[0]), keepFrom, rename).print(new PrintStream(System.out, true, StandardCharsets.UTF_8));
  }

  private static void usage() {
    System.err.println("usage: Report RUN_DIR [--keep-from EARLIER_RUN_DIR [--keep-peer OLD=NEW]...]");
    System.exit(2);
  }

  private static Map<String, String> readMeta(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          out.merge(line.substring(0, eq), line.substring(eq + 1), (a, b) -> a + "; " + b);
        }
      }
    }
    return out;
  }

  /** (b): merge the corrected histograms of every repetition per peer; derive added latency. */
  private void mergeLatencies() throws IOException {
    Map<String, Map<String, List<String>>> b = data.get("b");
    if (b == null) {
      return;
    }
    Map<String, Histogram> merged = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, List<String>>> e : b.entrySet()) {
      List<String> logs = e.getValue().getOrDefault("hlog", List.of());
      Histogram sum = null;
      for (String log : logs) {
        Path file = runDir.resolve(log);
        if (!Files.exists(file)) {
          continue;
        }
        HistogramLogReader reader = new HistogramLogReader(file.toFile());
        EncodableHistogram h;
        while ((h = reader.nextIntervalHistogram()) != null) {
          if ("corrected".equals(h.getTag()) && h instanceof Histogram hist) {
            if (sum == null) {
              sum = new Histogram(hist.getLowestDiscernibleValue(), hist.getHighestTrackableValue(),
                  hist.getNumberOfSignificantValueDigits());
            }
            sum.add(hist);
          }
        }
      }
      if (sum != null && sum.getTotalCount() > 0) {
        merged.put(e.getKey(), sum);
        Map<String, List<String>> m = e.getValue();
        m.put("merged_p50_us", List.of(us(sum.getValueAtPercentile(50))));
        m.put("merged_p99_us", List.of(us(sum.getValueAtPercentile(99))));
        m.put("merged_p999_us", List.of(us(sum.getValueAtPercentile(99.9))));
        m.put("merged_max_us", List.of(us(sum.getMaxValue())));
      }
    }
    Histogram direct = merged.get("direct");
    if (direct != null) {
      for (Map.Entry<String, Histogram> e : merged.entrySet()) {
        if (e.getKey().equals("direct")) {
          continue;
        }
        Map<String, List<String>> m = b.get(e.getKey());
        m.put("added_p50_us", List.of(us(e.getValue().getValueAtPercentile(50) - direct.getValueAtPercentile(50))));
        m.put("added_p99_us", List.of(us(e.getValue().getValueAtPercentile(99) - direct.getValueAtPercentile(99))));
      }
    }
  }

  /** (g): bytes per connection, scaled to 10,000 connections. */
  private void scaleIdle() {
    Map<String, Map<String, List<String>>> g = data.get("g");
    if (g == null) {
      return;
    }
    for (Map<String, List<String>> m : g.values()) {
      List<String> perConn = m.getOrDefault("rss_b_per_conn", List.of());
      List<String> scaled = new ArrayList<>();
      for (String v : perConn) {
        scaled.add(isNumber(v) ? String.format(Locale.ROOT, "%.2f", Double.parseDouble(v) * 10_000 / 1e6) : v);
      }
      m.put("rss_mb_per_10k", scaled);
    }
  }

  /** (t): each peer's median throughput over the direct run's median. */
  private void relativeToDirect() {
    Map<String, Map<String, List<String>>> t = data.get("t");
    if (t == null || !t.containsKey("direct")) {
      return;
    }
    Double direct = median(t.get("direct").get("gbps"));
    if (direct == null || direct <= 0) {
      return;
    }
    for (Map<String, List<String>> m : t.values()) {
      Double mine = median(m.get("gbps"));
      if (mine != null) {
        m.put("vs_direct", List.of(String.format(Locale.ROOT, "%.2f", mine / direct)));
      }
    }
  }

  private static String us(double nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1000.0);
  }

  private void print(PrintStream out) {
    List<String> sluices = new ArrayList<>();
    for (String p : peers) {
      if (p.startsWith("sluice")) {
        sluices.add(p);
      }
    }
    List<String> columns = new ArrayList<>();
    for (String p : List.of("direct", "nginx", "haproxy")) {
      if (peers.contains(p)) {
        columns.add(p);
      }
    }
    columns.addAll(sluices);

    out.println("# Sluice side by side with nginx and HAProxy");
    out.println();
    out.println("Written by `perf/compare.sh` (see perf/README.md for the method). Every figure is the median");
    out.println("of the repetitions with its range in brackets; latencies are percentiles of all repetitions'");
    out.println("HdrHistograms merged. The ratio is Sluice ÷ the better of nginx and HAProxy for that figure");
    out.println("(for req/s above 1 is better, for CPU, latency and memory below 1 is better). In the direct");
    out.println("column, CPU per request is the backend's own; every other CPU figure is the proxy's.");
    out.println();
    for (String key : List.of("date", "machine", "kernel", "jdk", "nginx", "haproxy", "openssl", "wrk", "h2load",
        "iperf3", "tls_libraries", "sluice_flags", "sluice_jar", "layout", "tests", "reps", "durations", "fixed_rate",
        "load_before", "load_after", "quiet")) {
      if (meta.containsKey(key)) {
        out.println("- **" + key.replace('_', ' ') + "**: " + meta.get(key));
      }
    }
    if (meta.containsKey("tls_check")) {
      out.println("- **TLS as negotiated with `openssl s_client`**: " + meta.get("tls_check"));
    }
    if (!keptTests.isEmpty()) {
      StringBuilder kept = new StringBuilder("- **rows kept from an earlier run**: ");
      for (String t : keptTests) {
        kept.append('(').append(t).append(')');
      }
      kept.append(" come from `").append(keepFrom).append("` (").append(keptMeta.getOrDefault("date", "date unknown"))
          .append("), not from this run");
      if (!keptPeers.isEmpty()) {
        kept.append("; its column");
        keptPeers.forEach((from, to) -> kept.append(' ').append(from).append(" is shown as ").append(title(to)));
      }
      if (!droppedPeers.isEmpty()) {
        kept.append("; left out: ").append(String.join(", ", droppedPeers));
      }
      out.println(kept);
      for (String key : List.of("durations", "fixed_rate", "quiet", "load_before", "load_after")) {
        if (keptMeta.containsKey(key)) {
          out.println("  - earlier run's " + key.replace('_', ' ') + ": " + keptMeta.get(key));
        }
      }
      for (Map.Entry<String, String> e : keptMeta.entrySet()) {
        String name = e.getKey().startsWith("sluice_flags.") ? e.getKey().substring("sluice_flags.".length()) : null;
        if (name != null && keptPeers.containsKey(name)) {
          out.println("  - earlier run's flags of " + name + ": " + e.getValue());
        }
      }
    }
    for (Map.Entry<String, String> e : meta.entrySet()) {
      if (e.getKey().startsWith("sluice_flags.")) {
        out.println("- **flags of " + e.getKey().substring("sluice_flags.".length()) + "**: " + e.getValue());
      }
    }
    out.println();
    StringBuilder header = new StringBuilder("| figure |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String c : columns) {
      header.append(' ').append(title(c)).append(" |");
      rule.append("---:|");
    }
    for (String s : sluices) {
      header.append(' ').append(title(s)).append(" ÷ best peer |");
      rule.append("---:|");
    }
    out.println(header);
    out.println(rule);
    for (Row row : ROWS) {
      Map<String, Map<String, List<String>>> test = data.get(row.test());
      if (test == null) {
        continue;
      }
      boolean any = false;
      StringBuilder line = new StringBuilder("| " + row.label() + " |");
      for (String c : columns) {
        List<String> values = test.getOrDefault(c, Map.of()).get(row.metric());
        String cell = cell(values, row.unit());
        any |= !cell.isEmpty();
        line.append(' ').append(cell.isEmpty() ? "–" : cell).append(" |");
      }
      if (!any) {
        continue;
      }
      for (String s : sluices) {
        line.append(' ').append(ratio(test, s, row)).append(" |");
      }
      out.println(line);
    }
    out.println();
    printSyscalls(out, columns);
    printHeapPerConnection(out, sluices);
    printProblems(out, columns);
    out.println();
    out.println("Raw figures: `" + runDir + "/results.csv`" + (keepFrom == null ? "" : " and, for the kept rows, `"
        + keepFrom + "/results.csv`") + "; histogram logs, peer configurations and logs next to them.");
  }

  private static String title(String peer) {
    return switch (peer) {
      case "direct" -> "direct (ceiling)";
      case "nginx" -> "nginx";
      case "haproxy" -> "HAProxy";
      default -> peer.equals("sluice") ? "Sluice" : "Sluice " + peer.substring("sluice".length()).replaceFirst("^-", "");
    };
  }

  private static boolean isNumber(String v) {
    try {
      Double.parseDouble(v);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static List<Double> numbers(List<String> values) {
    List<Double> out = new ArrayList<>();
    if (values != null) {
      for (String v : values) {
        if (isNumber(v)) {
          out.add(Double.parseDouble(v));
        }
      }
    }
    Collections.sort(out);
    return out;
  }

  private static Double median(List<String> values) {
    List<Double> n = numbers(values);
    if (n.isEmpty()) {
      return null;
    }
    int m = n.size() / 2;
    return n.size() % 2 == 1 ? n.get(m) : (n.get(m - 1) + n.get(m)) / 2;
  }

  private static String cell(List<String> values, String unit) {
    if (values == null || values.isEmpty()) {
      return "";
    }
    List<Double> n = numbers(values);
    if (n.isEmpty()) {
      return values.get(0); // e.g. "n/a (TLS not implemented)"
    }
    String s = format(median(values)) + unit;
    if (n.size() > 1 && !n.get(0).equals(n.get(n.size() - 1))) {
      s += " [" + format(n.get(0)) + "–" + format(n.get(n.size() - 1)) + "]";
    }
    return s;
  }

  private static String format(double v) {
    double a = Math.abs(v);
    if (a >= 10_000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    } else if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    } else if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String ratio(Map<String, Map<String, List<String>>> test, String sluice, Row row) {
    if (row.better() == Better.NONE) {
      return "";
    }
    Double mine = median(test.getOrDefault(sluice, Map.of()).get(row.metric()));
    Double best = null;
    for (String p : PEERS) {
      Double v = median(test.getOrDefault(p, Map.of()).get(row.metric()));
      if (v != null && (best == null || (row.better() == Better.HIGHER ? v > best : v < best))) {
        best = v;
      }
    }
    if (mine == null || best == null || best <= 0 || mine < 0) {
      // A negative growth (a heap that shrank meanwhile) has no meaningful ratio.
      return mine == null && best != null ? "n/a" : "";
    }
    return String.format(Locale.ROOT, "%.2f", mine / best);
  }

  /** (s): the system calls each peer makes per request, largest first (medians over repetitions). */
  private void printSyscalls(PrintStream out, List<String> columns) {
    Map<String, Map<String, List<String>>> test = data.get("s");
    if (test == null) {
      return;
    }
    out.println("## System calls per request (s)");
    out.println();
    for (String peer : columns) {
      Map<String, List<String>> m = test.get(peer);
      if (m == null) {
        continue;
      }
      List<Map.Entry<String, Double>> calls = new ArrayList<>();
      for (Map.Entry<String, List<String>> e : m.entrySet()) {
        Double v = median(e.getValue());
        if (e.getKey().startsWith("sc_") && v != null && v >= 0.05) {
          calls.add(Map.entry(e.getKey().substring(3), v));
        }
      }
      calls.sort(Map.Entry.<String, Double>comparingByValue().reversed());
      StringBuilder line = new StringBuilder("- " + title(peer) + ":");
      for (Map.Entry<String, Double> c : calls) {
        line.append(' ').append(c.getKey()).append(' ').append(format(c.getValue())).append(',');
      }
      line.setLength(line.length() - 1);
      out.println(line);
    }
    out.println();
  }

  /** (g): the classes whose live instances grew most per idle connection (first repetition). */
  private void printHeapPerConnection(PrintStream out, List<String> sluices) {
    for (String s : sluices) {
      Path file = runDir.resolve("heap-per-conn-" + s + "-1.txt");
      if (keptTests.contains("g")) {
        String earlier = s;
        for (Map.Entry<String, String> e : keptPeers.entrySet()) {
          if (e.getValue().equals(s)) {
            earlier = e.getKey();
          }
        }
        file = keepFrom.resolve("heap-per-conn-" + earlier + "-1.txt");
      }
      if (!Files.exists(file)) {
        continue;
      }
      try {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        out.println("## Live heap per idle connection, by class: " + title(s) + " (g, first repetition)");
        out.println();
        out.println("```");
        lines.stream().limit(15).forEach(out::println);
        out.println("```");
        out.println();
      } catch (IOException e) {
        out.println("(cannot read " + file + ": " + e.getMessage() + ")");
      }
    }
  }

  /** Errors, non-2xx answers and failed quiet checks, per test and peer. */
  private void printProblems(PrintStream out, List<String> columns) {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Map<String, Map<String, List<String>>>> t : data.entrySet()) {
      for (String peer : columns) {
        Map<String, List<String>> m = t.getValue().get(peer);
        if (m == null) {
          continue;
        }
        StringBuilder s = new StringBuilder();
        for (String metric : List.of("non2xx", "errors", "socket_errors", "failed", "unsent", "timed_out",
            "closed_while_idle", "idle_failed", "reconnects")) {
          double sum = 0;
          for (Double v : numbers(m.get(metric))) {
            sum += v;
          }
          if (sum > 0) {
            s.append(' ').append(metric).append('=').append(format(sum));
          }
        }
        List<String> notes = m.getOrDefault("note", List.of());
        for (String n : new LinkedHashSet<>(notes)) {
          s.append(" (").append(n).append(')');
        }
        if (s.length() > 0) {
          lines.add("- (" + t.getKey() + ") " + title(peer) + ":" + s);
        }
      }
    }
    List<String> busy = new ArrayList<>();
    for (Map.Entry<String, Map<String, Map<String, List<String>>>> t : data.entrySet()) {
      for (Map.Entry<String, Map<String, List<String>>> p : t.getValue().entrySet()) {
        for (String q : p.getValue().getOrDefault("quiet", List.of())) {
          if (!q.startsWith("ok")) {
            busy.add("(" + t.getKey() + ") " + title(p.getKey()) + ": " + q);
          }
        }
      }
    }
    out.println("## Errors and machine state");
    out.println();
    if (lines.isEmpty()) {
      out.println("- No errors, resets or non-2xx answers in any run (sums over all repetitions).");
    } else {
      out.println("Sums over all repetitions (`unsent`/`timed_out` are open-loop requests charged at the end):");
      out.println();
      lines.forEach(out::println);
    }
    if (busy.isEmpty()) {
      out.println("- Every run started on a quiet machine.");
    } else {
      out.println("- Runs that started without a quiet machine (the bounded wait expired):");
      busy.forEach(b -> out.println("  - " + b));
    }
  }
}
