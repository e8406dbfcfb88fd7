package dev.sluice.perf.report;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * Where a Sluice recording says the time and the allocations go, as percentages (perf/profile.sh
 * prints this). CPU: JFR execution samples (Java code only; time in system calls shows as the
 * event loop's system time in the per-thread table profile.sh prints beside it) by the sampled
 * method, by the method's package family, and by the nearest Sluice method on the stack, which
 * charges Netty and JDK work to the Sluice code that asked for it. Allocation:
 * {@code jdk.ObjectAllocationSample} weights by class and by the nearest Sluice (else Netty)
 * frame; each thread's first sample is left out, because its weight is everything the thread
 * allocated before the recording started. Native: {@code jdk.NativeMethodSample} (threads caught
 * inside a JNI method: socket reads and writes, epoll, and with TLS BoringSSL through
 * netty-tcnative) by method, for the thread with the most Java samples (the event loop), since
 * JFR's execution samples leave native time out. GC: pause count, total and longest.
 *
 * <pre>
 * JfrSummary RECORDING.jfr [TOP]
 * </pre>
 */
public final class JfrSummary {
  private JfrSummary() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: JfrSummary RECORDING.jfr [TOP]");
      System.exit(2);
    }
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> family = new HashMap<>();
    Map<String, Long> inclusiveSluice = new HashMap<>();
    Map<String, Long> nearestSluice = new HashMap<>();
    Map<String, Long> allocByClass = new HashMap<>();
    Map<String, Long> allocBySite = new HashMap<>();
    Map<String, Long> allocByTop = new HashMap<>();
    Map<String, Long> javaByThread = new HashMap<>();
    Map<String, Map<String, Long>> nativeByThread = new HashMap<>();
    Map<String, Long> nativeSamplesByThread = new HashMap<>();
    long samples = 0;
    long allocTotal = 0;
    Set<Long> threadsSampled = new HashSet<>();
    long gcCount = 0;
    Duration gcTotal = Duration.ZERO;
    Duration gcLongest = Duration.ZERO;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
      String type = e.getEventType().getName();
      switch (type) {
        case "jdk.ExecutionSample" -> {
          RecordedStackTrace st = e.getStackTrace();
          if (st == null || st.getFrames().isEmpty()) {
            continue;
          }
          samples++;
          javaByThread.merge(threadName(e), 1L, Long::sum);
          List<RecordedFrame> frames = st.getFrames();
          String leaf = name(frames.get(0).getMethod());
          self.merge(leaf, 1L, Long::sum);
          family.merge(family(leaf), 1L, Long::sum);
          Set<String> seen = new HashSet<>();
          String nearest = null;
          for (RecordedFrame f : frames) {
            String m = name(f.getMethod());
            if (m.startsWith("dev.sluice.")) {
              if (nearest == null) {
                nearest = m;
              }
              if (seen.add(m)) {
                inclusiveSluice.merge(m, 1L, Long::sum);
              }
            }
          }
          nearestSluice.merge(nearest == null ? "(no Sluice frame: Netty event loop / JDK)" : nearest, 1L, Long::sum);
        }
        case "jdk.ObjectAllocationSample" -> {
          if (e.getThread("eventThread") != null && threadsSampled.add(e.getThread("eventThread").getJavaThreadId())) {
            continue;
          }
          long weight = e.getLong("weight");
          allocTotal += weight;
          allocByClass.merge(e.getClass("objectClass").getName(), weight, Long::sum);
          RecordedStackTrace st = e.getStackTrace();
          String site = "(no stack)";
          String leaf = "(no stack)";
          if (st != null && !st.getFrames().isEmpty()) {
            leaf = name(st.getFrames().get(0).getMethod());
            String netty = null;
            site = null;
            for (RecordedFrame f : st.getFrames()) {
              String m = name(f.getMethod());
              if (m.startsWith("dev.sluice.")) {
                site = m;
                break;
              }
              if (netty == null && m.startsWith("io.netty.")) {
                netty = m;
              }
            }
            if (site == null) {
              site = netty != null ? netty + " (no Sluice frame)" : leaf;
            }
          }
          allocBySite.merge(site, weight, Long::sum);
          allocByTop.merge(leaf, weight, Long::sum);
        }
        case "jdk.NativeMethodSample" -> {
          RecordedStackTrace st = e.getStackTrace();
          if (st == null || st.getFrames().isEmpty()) {
            continue;
          }
          String thread = threadName(e);
          nativeSamplesByThread.merge(thread, 1L, Long::sum);
          nativeByThread.computeIfAbsent(thread, k -> new HashMap<>())
              .merge(name(st.getFrames().get(0).getMethod()), 1L, Long::sum);
        }
        case "jdk.GarbageCollection" -> {
          gcCount++;
          Duration pause = e.getDuration("sumOfPauses");
          gcTotal = gcTotal.plus(pause);
          if (pause.compareTo(gcLongest) > 0) {
            gcLongest = pause;
          }
        }
        default -> { }
      }
    }
    System.out.printf(Locale.ROOT, "CPU: %d execution samples (Java code; system calls are not sampled)%n", samples);
    print("by package family of the sampled method", family, samples, top, "");
    print("hot methods (self)", self, samples, top, "");
    print("nearest Sluice method on the stack (Sluice code plus the Netty/JDK work it called)", nearestSluice,
        samples, top, "");
    print("Sluice methods anywhere on the stack (inclusive)", inclusiveSluice, samples, top, "");
    String busiest = javaByThread.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
        .orElse(null);
    if (busiest != null && nativeByThread.containsKey(busiest)) {
      long n = nativeSamplesByThread.get(busiest);
      System.out.printf(Locale.ROOT, "%nNative (JNI) samples of %s: %d, beside %d Java samples of it (JFR samples "
          + "native methods at half the rate of Java code by default)%n", busiest, n, javaByThread.get(busiest));
      print("by native method (socket I/O, epoll, BoringSSL via tcnative)", nativeByThread.get(busiest), n, top, "");
    }
    System.out.printf(Locale.ROOT, "%nAllocation: %.1f MB sampled weight%n", allocTotal / 1e6);
    print("by class", allocByClass, allocTotal, top, "");
    print("by nearest Sluice frame (else first Netty frame)", allocBySite, allocTotal, top, "");
    print("by allocating method", allocByTop, allocTotal, top, "");
    System.out.printf(Locale.ROOT, "%nGC: %d collections, %.1f ms paused in total, longest %.2f ms%n", gcCount,
        gcTotal.toNanos() / 1e6, gcLongest.toNanos() / 1e6);
  }

  private static String threadName(RecordedEvent e) {
    RecordedThread t = e.getThread("sampledThread");
    return t == null ? "?" : t.getJavaName() != null ? t.getJavaName() : t.getOSName();
  }

  private static String name(RecordedMethod m) {
    return m == null ? "?" : m.getType().getName() + "." + m.getName();
  }

  private static String family(String method) {
    if (method.startsWith("dev.sluice.")) {
      return "dev.sluice (Sluice)";
    } else if (method.startsWith("io.netty.handler.codec.http2") || method.startsWith("io.netty.handler.codec.http")) {
      return "io.netty.handler.codec.http* (HTTP codecs)";
    } else if (method.startsWith("io.netty.channel.epoll") || method.startsWith("io.netty.channel.unix")) {
      return "io.netty.channel.epoll/unix (transport)";
    } else if (method.startsWith("io.netty.channel")) {
      return "io.netty.channel (pipeline)";
    } else if (method.startsWith("io.netty.handler.ssl") || method.startsWith("io.netty.internal.tcnative")) {
      return "io.netty.handler.ssl + tcnative (TLS: SslHandler, OpenSSL engine glue)";
    } else if (method.startsWith("io.netty.buffer")) {
      return "io.netty.buffer (buffers)";
    } else if (method.startsWith("io.netty.util")) {
      return "io.netty.util (executors, recycler, misc)";
    } else if (method.startsWith("io.netty.")) {
      return "io.netty (other)";
    } else if (method.startsWith("java.") || method.startsWith("jdk.") || method.startsWith("sun.")) {
      return "JDK";
    }
    return "other";
  }

  private static void print(String title, Map<String, Long> counts, long total, int top, String unit) {
    System.out.printf(Locale.ROOT, "%n  %s%n", title);
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    for (int i = 0; i < Math.min(top, entries.size()); i++) {
      Map.Entry<String, Long> e = entries.get(i);
      System.out.printf(Locale.ROOT, "  %6.2f%%  %s%s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey(), unit);
    }
  }
}
