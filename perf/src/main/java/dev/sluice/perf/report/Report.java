package dev.sluice.perf.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * Report RUN_DIR     reads RUN_DIR/results.csv (test,peer,rep,metric,value), RUN_DIR/meta.txt
 *                    (key=value) and the histogram logs named in results.csv; prints Markdown
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

  private Report(Path runDir) throws IOException {
    this.runDir = runDir;
    this.meta = readMeta(runDir.resolve("meta.txt"));
    for (String line : Files.readAllLines(runDir.resolve("results.csv"), StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(",", 5);
      if (f.length < 5) {
        continue;
      }
      peers.add(f[1]);
      data.computeIfAbsent(f[0], k -> new TreeMap<>())
          .computeIfAbsent(f[1], k -> new TreeMap<>())
          .computeIfAbsent(f[3], k -> new ArrayList<>())
          .add(f[4]);
    }
    mergeLatencies();
    scaleIdle();
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: Report RUN_DIR");
      System.exit(2);
    }
    new Report(Path.of(args[0])).print(new PrintStream(System.out, true, StandardCharsets.UTF_8));
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
        "sluice_flags", "layout", "reps", "durations", "fixed_rate", "load_before", "load_after", "quiet")) {
      if (meta.containsKey(key)) {
        out.println("- **" + key.replace('_', ' ') + "**: " + meta.get(key));
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
    out.println("Raw figures: `" + runDir + "/results.csv`; histogram logs, peer configurations and logs");
    out.println("next to it.");
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
