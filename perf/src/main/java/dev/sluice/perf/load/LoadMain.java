package dev.sluice.perf.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * Command line of the load generator (perf/compare.sh runs it pinned to CPU 0):
 *
 * <pre>
 * LoadMain rate --url http://127.0.0.1:PORT/PATH --connections 64 --rate 15000|max
 *               --duration 15 --warmup 5 [--host-header H] [--hlog FILE]
 * LoadMain idle --url http://127.0.0.1:PORT/PATH --connections 10000 [--concurrency 32]
 *               --ready-file F --release-file F [--max-hold 600]
 * LoadMain handshakes --url https://127.0.0.1:PORT/PATH --connections 32 --duration 10
 *               [--warmup 1] [--resume true|false] [--host-header H]
 * </pre>
 *
 * {@code rate} prints one {@code key=value} summary line on stdout (latencies in microseconds) and
 * writes the corrected and uncorrected histograms to the HdrHistogram log if asked. {@code idle}
 * writes its counts to the ready file once every connection has had its response, then holds the
 * connections idle until the release file exists, and prints its final counts. {@code handshakes}
 * opens one TLS connection per request ({@link TlsHandshakes}), resuming sessions unless told not
 * to, and prints one {@code key=value} line with the handshakes per second and how many resumed.
 */
public final class LoadMain {
  private LoadMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !(args[0].equals("rate") || args[0].equals("idle") || args[0].equals("handshakes"))) {
      usage(System.err);
      System.exit(2);
    }
    Map<String, String> opts = options(args);
    URI url = URI.create(required(opts, "url"));
    String scheme = args[0].equals("handshakes") ? "https" : "http";
    if (!scheme.equals(url.getScheme())) {
      throw new IllegalArgumentException("only " + scheme + ":// URLs for " + args[0] + ": " + url);
    }
    String host = url.getHost();
    int port = url.getPort() > 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    String hostHeader = opts.get("host-header");
    int connections = Integer.parseInt(opts.getOrDefault("connections", "64"));
    if (args[0].equals("handshakes")) {
      TlsHandshakes.Result result = TlsHandshakes.run(host, port, path, hostHeader, connections,
          seconds(opts.getOrDefault("duration", "10")), seconds(opts.getOrDefault("warmup", "1")),
          Boolean.parseBoolean(opts.getOrDefault("resume", "true")));
      System.out.println(result.summaryLine());
    } else if (args[0].equals("rate")) {
      String rate = opts.getOrDefault("rate", "max");
      LoadSpec spec = new LoadSpec(host, port, path, hostHeader, connections,
          rate.equals("max") ? 0 : Double.parseDouble(rate),
          seconds(opts.getOrDefault("duration", "10")),
          seconds(opts.getOrDefault("warmup", "2")),
          seconds(opts.getOrDefault("drain", "5")));
      LoadResult result = LoadGenerator.run(spec);
      if (opts.containsKey("hlog")) {
        writeLog(Path.of(opts.get("hlog")), result);
      }
      System.out.println(result.summaryLine());
    } else {
      Path ready = Path.of(required(opts, "ready-file"));
      Path release = Path.of(required(opts, "release-file"));
      IdleConnections.Result result = IdleConnections.run(host, port, path, hostHeader, connections,
          Integer.parseInt(opts.getOrDefault("concurrency", "32")),
          Long.parseLong(opts.getOrDefault("max-hold", "600")),
          established -> {
            try {
              Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
              Files.writeString(tmp, established.summaryLine() + "\n");
              Files.move(tmp, ready, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          },
          () -> Files.exists(release));
      System.out.println(result.summaryLine());
    }
  }

  private static void writeLog(Path file, LoadResult result) throws IOException {
    try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, "US-ASCII")) {
      HistogramLogWriter writer = new HistogramLogWriter(out);
      writer.outputLogFormatVersion();
      long now = System.currentTimeMillis();
      writer.outputStartTime(now);
      writer.outputLegend();
      write(writer, result.corrected(), "corrected", now);
      write(writer, result.uncorrected(), "uncorrected", now);
    }
  }

  private static void write(HistogramLogWriter writer, Histogram h, String tag, long now) {
    Histogram copy = h.copy();
    copy.setTag(tag);
    copy.setStartTimeStamp(now);
    copy.setEndTimeStamp(now);
    writer.outputIntervalHistogram(copy);
  }

  private static Duration seconds(String value) {
    return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
  }

  private static String required(Map<String, String> opts, String name) {
    String v = opts.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value at " + args[i]);
      }
      out.put(args[i].substring(2), args[++i]);
    }
    return out;
  }

  private static void usage(PrintStream out) {
    out.println("usage: LoadMain rate --url http://127.0.0.1:PORT/ --connections N --rate RPS|max"
        + " --duration S --warmup S [--host-header H] [--hlog FILE]");
    out.println("       LoadMain idle --url http://127.0.0.1:PORT/ --connections N [--concurrency 32]"
        + " --ready-file F --release-file F [--max-hold S]");
    out.println("       LoadMain handshakes --url https://127.0.0.1:PORT/ --connections N --duration S"
        + " [--warmup S] [--resume true|false] [--host-header H]");
  }
}
