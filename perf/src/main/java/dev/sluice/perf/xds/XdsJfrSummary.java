package dev.sluice.perf.xds;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU of a recording of RDS updates goes, as Markdown: execution samples by thread, and
 * on the update path (the xDS client's thread, the configuration thread that runs
 * {@code server.apply}, the cluster manager's thread) the hottest methods by self time and the
 * Sluice methods by inclusive time. Java samples only: time in system calls and in the gRPC and
 * Netty transport threads shows in the per-thread table, not in the update path's lists.
 */
final class XdsJfrSummary {
  private static final List<String> UPDATE_PATH = List.of("sluice-xds-client", "sluice-config",
      "sluice-cluster-manager");

  private XdsJfrSummary() {}

  static List<String> markdown(Path recording, int top) throws IOException {
    Map<String, Long> byThread = new HashMap<>();
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> inclusive = new HashMap<>();
    Map<String, Long> phases = new HashMap<>();
    long samples = 0;
    long updatePath = 0;
    long gcCount = 0;
    Duration gcPauses = Duration.ZERO;
    Duration gcLongest = Duration.ZERO;
    for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
      switch (e.getEventType().getName()) {
        case "jdk.ExecutionSample" -> {
          RecordedStackTrace st = e.getStackTrace();
          RecordedThread thread = e.getThread("sampledThread");
          if (st == null || st.getFrames().isEmpty() || thread == null) {
            continue;
          }
          samples++;
          String name = threadGroup(thread.getJavaName() == null ? thread.getOSName() : thread.getJavaName());
          byThread.merge(name, 1L, Long::sum);
          if (!UPDATE_PATH.contains(name)) {
            continue;
          }
          updatePath++;
          self.merge(method(st.getFrames().get(0)), 1L, Long::sum);
          Set<String> seen = new LinkedHashSet<>();
          for (RecordedFrame f : st.getFrames()) {
            String m = method(f);
            if (m.startsWith("dev.sluice.") && seen.add(m)) {
              inclusive.merge(m, 1L, Long::sum);
            }
          }
          phases.merge(name + ": " + phase(seen, st), 1L, Long::sum);
        }
        case "jdk.GarbageCollection" -> {
          gcCount++;
          Duration pause = e.getDuration("sumOfPauses");
          gcPauses = gcPauses.plus(pause);
          if (pause.compareTo(gcLongest) > 0) {
            gcLongest = pause;
          }
        }
        default -> { }
      }
    }
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "%,d execution samples (1 ms period), %,d of them on the update path (%s); "
        + "GC: %d collections, %.1f ms paused in total, longest %.1f ms.", samples, updatePath,
        String.join(", ", UPDATE_PATH), gcCount, gcPauses.toNanos() / 1e6, gcLongest.toNanos() / 1e6));
    out.add("");
    out.add("| thread | samples | share |");
    out.add("| --- | ---: | ---: |");
    for (Map.Entry<String, Long> t : sorted(byThread, 8)) {
      out.add(String.format(Locale.ROOT, "| %s | %,d | %.0f%% |", t.getKey(), t.getValue(),
          100.0 * t.getValue() / Math.max(1, samples)));
    }
    out.add("");
    out.add("| update-path thread: what the sample is doing | samples | share of update path |");
    out.add("| --- | ---: | ---: |");
    for (Map.Entry<String, Long> p : sorted(phases, 20)) {
      out.add(String.format(Locale.ROOT, "| %s | %,d | %.0f%% |", p.getKey(), p.getValue(),
          100.0 * p.getValue() / Math.max(1, updatePath)));
    }
    out.add("");
    out.add("Update path, by self time | share | Update path, Sluice methods by inclusive time | share");
    out.add("--- | ---: | --- | ---:");
    List<Map.Entry<String, Long>> s = sorted(self, top);
    List<Map.Entry<String, Long>> inc = sorted(inclusive, top);
    for (int i = 0; i < Math.max(s.size(), inc.size()); i++) {
      String left = i < s.size() ? String.format(Locale.ROOT, "`%s` | %.1f%%", shorten(s.get(i).getKey()),
          100.0 * s.get(i).getValue() / Math.max(1, updatePath)) : " | ";
      String right = i < inc.size() ? String.format(Locale.ROOT, "`%s` | %.1f%%", shorten(inc.get(i).getKey()),
          100.0 * inc.get(i).getValue() / Math.max(1, updatePath)) : " | ";
      out.add(left + " | " + right);
    }
    return out;
  }

  /**
   * The first that applies, leaf side first: deep equality of config records, reflective field
   * validation, other decoding, protobuf parsing, route table compilation, cluster updates.
   */
  private static String phase(Set<String> sluiceMethods, RecordedStackTrace st) {
    for (String m : sluiceMethods) {
      if (m.startsWith("dev.sluice.config.") && m.endsWith(".equals")) {
        return "equals() of config records";
      }
    }
    if (sluiceMethods.contains("dev.sluice.xds.resource.FieldRules.check")) {
      return "FieldRules.check (unsupported-field validation)";
    }
    for (String m : sluiceMethods) {
      if (m.startsWith("dev.sluice.xds.resource.") || m.endsWith("ResourceType.decode")) {
        return "decoding protos into config records (rest)";
      }
    }
    for (RecordedFrame f : st.getFrames()) {
      String m = method(f);
      if (m.startsWith("com.google.protobuf.") || m.startsWith("io.grpc.protobuf.")) {
        return "protobuf parsing";
      }
    }
    if (sluiceMethods.contains("dev.sluice.routing.RouteTable.compile")) {
      return "RouteTable.compile";
    }
    if (sluiceMethods.contains("dev.sluice.upstream.UpstreamCluster.update")) {
      return "UpstreamCluster.update";
    }
    return "other";
  }

  private static List<Map.Entry<String, Long>> sorted(Map<String, Long> counts, int top) {
    return counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
        .limit(top)
        .toList();
  }

  /** Pool threads numbered per instance count as one: {@code grpc-nio-worker-ELG-1-3} → {@code grpc-nio-worker-ELG}. */
  private static String threadGroup(String name) {
    return name.replaceAll("([-_#]\\d+)+$", "");
  }

  private static String method(RecordedFrame f) {
    RecordedMethod m = f.getMethod();
    // Hidden classes (lambda forms) carry an address in their name; drop it so that they add up.
    return m == null ? "?" : m.getType().getName().replaceAll("\\+0x[0-9a-f]+([./]\\d+)?", "") + "." + m.getName();
  }

  /** {@code dev.sluice.xds.resource.RouteRuleDecoder.decode} → {@code xds.resource.RouteRuleDecoder.decode}. */
  private static String shorten(String method) {
    return method.startsWith("dev.sluice.") ? method.substring("dev.sluice.".length()) : method;
  }
}
