package dev.sluice.app;

import dev.sluice.common.Ticker;
import dev.sluice.config.BootstrapConfig;
import dev.sluice.config.NodeConfig;
import dev.sluice.tls.StaticTlsMaterial;
import dev.sluice.xds.bootstrap.BootstrapLoader;
import dev.sluice.xds.bootstrap.ConfigException;
import dev.sluice.xds.bootstrap.LoadedBootstrap;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line: {@code run}, {@code validate}, {@code demo}. A first argument that is a flag
 * means {@code run}, so that {@code sluice -c envoy.yaml} works where {@code envoy -c envoy.yaml}
 * did.
 *
 * <p>Exit codes: 0 success, 1 bad usage or a failure to start, 2 an invalid configuration.
 */
public final class Main {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  static final int EXIT_INVALID_CONFIG = 2;
  /**
   * The longest start-up waits for the first dynamic configuration before reporting LIVE on the
   * static resources alone; the client's own initial_fetch_timeout usually ends the wait sooner.
   */
  private static final java.time.Duration INITIAL_FETCH_LIMIT = java.time.Duration.ofSeconds(30);

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  /** Runs a command to completion and returns its exit code. */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    String command = args.isEmpty() ? "help" : args.get(0);
    List<String> rest = args.isEmpty() ? List.of() : args.subList(1, args.size());
    if (command.startsWith("-") && !command.equals("-h") && !command.equals("--help")
        && !command.equals("--version")) {
      command = "run";
      rest = args;
    }
    try {
      return switch (command) {
        case "run" -> serve(RunOptions.parse(rest, false), out, err);
        case "validate" -> validate(RunOptions.parse(rest, true), out, err);
        case "demo" -> demo(rest, out, err);
        case "--version", "version" -> {
          out.println(Version.text());
          yield EXIT_OK;
        }
        case "help", "-h", "--help" -> {
          out.print(usage());
          yield EXIT_OK;
        }
        default -> throw new UsageException("unknown command '" + command + "'");
      };
    } catch (UsageException e) {
      err.println("sluice: " + e.getMessage());
      err.println("run 'sluice help' for usage");
      return EXIT_FAILURE;
    }
  }

  static String usage() {
    return String.join("\n",
        "usage: sluice <command> [flags]",
        "",
        "commands:",
        "  run -c FILE       serve an Envoy v3 bootstrap (YAML or JSON)",
        "  validate -c FILE  check a bootstrap; exit 0 with a summary or 2 with every error",
        "  demo              two demo backends behind the proxy on a bundled bootstrap",
        "  version           print the version",
        "",
        "run flags (Envoy's spelling):",
        "  -c, --config-path FILE     bootstrap file",
        "      --config-yaml TEXT     bootstrap YAML, merged over the file",
        "  -l, --log-level LEVEL      trace|debug|info|warning|error|critical|off (default info)",
        "      --service-node NAME    node id (overrides node.id)",
        "      --service-cluster NAME node cluster (overrides node.cluster)",
        "      --concurrency N        worker event loops (default: one per CPU)",
        "      --drain-time-s N       seconds to finish requests in flight on SIGTERM (default 600)",
        "      --admin-address-path F write the admin interface's bound address to F",
        "      --config-cache DIR     keep accepted xDS configurations in DIR and start from the",
        "                             newest one when the management server cannot be reached",
        "      --mode serve|validate  validate is the same as the validate command",
        "",
        "Other Envoy flags (--base-id, --restart-epoch, --disable-hot-restart, ...) are accepted",
        "and reported as having no effect.",
        "");
  }

  // ---------------------------------------------------------------- validate

  private static int validate(RunOptions options, PrintStream out, PrintStream err) {
    LoadedBootstrap loaded;
    try {
      loaded = load(options);
    } catch (ConfigException e) {
      err.println("invalid configuration (" + e.errors().size() + " error" + (e.errors().size() == 1 ? "" : "s")
          + "):");
      for (String error : e.errors()) {
        err.println("  " + error);
      }
      return EXIT_INVALID_CONFIG;
    }
    BootstrapConfig c = loaded.config();
    List<String> tls = StaticTlsMaterial.problems(c.listeners(), c.clusters(), c.secrets(), Ticker.SYSTEM);
    if (!tls.isEmpty()) {
      err.println("invalid TLS material (" + tls.size() + " error" + (tls.size() == 1 ? "" : "s") + "):");
      for (String error : tls) {
        err.println("  " + error);
      }
      return EXIT_INVALID_CONFIG;
    }
    out.println("configuration '" + origin(options) + "' OK: " + c.listeners().size() + " listener(s), "
        + c.clusters().size() + " cluster(s), admin " + c.admin().map(a -> a.address().toString()).orElse("off"));
    return EXIT_OK;
  }

  private static LoadedBootstrap load(RunOptions options) throws ConfigException {
    if (options.configPath() != null) {
      return options.configYaml() == null
          ? BootstrapLoader.load(options.configPath())
          : BootstrapLoader.load(options.configPath(), options.configYaml());
    }
    return BootstrapLoader.parse(options.configYaml(), "--config-yaml");
  }

  private static String origin(RunOptions options) {
    return options.configPath() != null ? options.configPath().toString() : "--config-yaml";
  }

  // ---------------------------------------------------------------- run

  private static int serve(RunOptions options, PrintStream out, PrintStream err) {
    if (options.validateOnly()) {
      return validate(options, out, err);
    }
    Logging.configure(options.logLevel());
    Logger log = LoggerFactory.getLogger(Main.class);
    for (String flag : options.ignoredFlags()) {
      log.warn("flag {} is accepted for compatibility and has no effect", flag);
    }
    LoadedBootstrap loaded;
    try {
      loaded = load(options);
    } catch (ConfigException e) {
      err.println("sluice: invalid configuration:");
      for (String error : e.errors()) {
        err.println("  " + error);
      }
      return EXIT_INVALID_CONFIG;
    }
    BootstrapConfig config = withNodeOverrides(loaded.config(), options);
    int concurrency = options.concurrency() > 0 ? options.concurrency() : Runtime.getRuntime().availableProcessors();
    Map<String, Object> commandLine = new LinkedHashMap<>();
    commandLine.put("config_path", options.configPath() == null ? "" : options.configPath().toString());
    commandLine.put("config_yaml", options.configYaml() == null ? "" : options.configYaml());
    commandLine.put("log_level", options.logLevel());
    commandLine.put("service_node", config.node().id());
    commandLine.put("service_cluster", config.node().cluster());
    commandLine.put("concurrency", concurrency);
    commandLine.put("drain_time", options.drainTime().toSeconds() + "s");
    commandLine.put("mode", "Serve");
    ServerOptions serverOptions = new ServerOptions(concurrency, options.drainTime(), loaded.configDumpJson(),
        commandLine, loaded.xds().isPresent());
    return serveUntilSignalled(config, loaded, serverOptions, options, err, log);
  }

  static BootstrapConfig withNodeOverrides(BootstrapConfig c, RunOptions options) {
    NodeConfig node = c.node();
    if (options.serviceNode() != null) {
      node = node.withId(options.serviceNode());
    }
    if (options.serviceCluster() != null) {
      node = node.withCluster(options.serviceCluster());
    }
    return c.withNode(node);
  }

  private static int serveUntilSignalled(BootstrapConfig config, LoadedBootstrap loaded, ServerOptions serverOptions,
      RunOptions options, PrintStream err, Logger log) {
    SluiceServer server;
    try {
      server = SluiceServer.start(config, serverOptions);
    } catch (StartupException e) {
      err.println("sluice: " + e.getMessage());
      return EXIT_FAILURE;
    }
    if (options.adminAddressPath() != null && server.adminAddress() != null) {
      try {
        var a = server.adminAddress();
        Files.writeString(options.adminAddressPath(), a.getAddress().getHostAddress() + ":" + a.getPort());
      } catch (IOException e) {
        err.println("sluice: --admin-address-path: cannot write " + options.adminAddressPath() + ": " + e.getMessage());
        server.close();
        return EXIT_FAILURE;
      }
    }
    DynamicConfig dynamic = loaded.xds().map(xds -> {
      log.info("dynamic configuration from {}", xds.description());
      DynamicConfig d = DynamicConfig.start(server, config, xds, java.util.Optional.ofNullable(options.configCache()));
      d.initialApplied(INITIAL_FETCH_LIMIT).whenComplete((v, e) -> {
        if (e != null) {
          log.warn("no dynamic configuration within {}; serving the static resources", INITIAL_FETCH_LIMIT);
        }
        server.markInitialized();
      });
      return d;
    }).orElse(null);
    if (dynamic == null && options.configCache() != null) {
      log.warn("--config-cache has no effect: the bootstrap has no dynamic_resources");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Signals.onTerminate(signal -> {
      log.info("received SIG{}: draining (up to {}s)", signal, serverOptions.drainTime().toSeconds());
      if (dynamic != null) {
        dynamic.close();
      }
      boolean clean = server.drainAndStop();
      log.info(clean ? "drained; exiting" : "drain time elapsed; closed the remaining connections; exiting");
      stopped.countDown();
    });
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return EXIT_OK;
  }

  // ---------------------------------------------------------------- demo

  private static int demo(List<String> args, PrintStream out, PrintStream err) throws UsageException {
    int proxyPort = 10000;
    int adminPort = 9901;
    for (int i = 0; i < args.size(); i++) {
      switch (args.get(i)) {
        case "--port" -> proxyPort = intArg(args, ++i, "--port");
        case "--admin-port" -> adminPort = intArg(args, ++i, "--admin-port");
        default -> throw new UsageException("demo: unknown flag '" + args.get(i) + "' (--port N, --admin-port N)");
      }
    }
    Logging.configure("info");
    Logger log = LoggerFactory.getLogger(Main.class);
    List<AutoCloseable> backends = new ArrayList<>();
    try {
      DemoBackend v1 = DemoBackend.start("v1", "127.0.0.1", 0);
      backends.add(v1);
      DemoBackend v2 = DemoBackend.start("v2", "127.0.0.1", 0);
      backends.add(v2);
      String yaml = demoBootstrap()
          .replace("${PROXY_PORT}", Integer.toString(proxyPort))
          .replace("${ADMIN_PORT}", Integer.toString(adminPort))
          .replace("${V1_PORT}", Integer.toString(v1.port()))
          .replace("${V2_PORT}", Integer.toString(v2.port()));
      LoadedBootstrap loaded = BootstrapLoader.parse(yaml, "demo-bootstrap.yaml");
      SluiceServer server = SluiceServer.start(loaded.config(),
          ServerOptions.defaults(loaded.configDumpJson()));
      int port = server.listenerAddress("demo").getPort();
      int admin = server.adminAddress().getPort();
      out.println();
      out.println("Sluice demo: proxy on 127.0.0.1:" + port + ", admin on 127.0.0.1:" + admin
          + ", backends v1 and v2 on :" + v1.port() + " and :" + v2.port());
      out.println("Try:");
      out.println("  curl -s http://127.0.0.1:" + port + "/v1/hello            # routed to v1");
      out.println("  curl -s http://127.0.0.1:" + port + "/v2/hello            # routed to v2");
      out.println("  for i in $(seq 10); do curl -s http://127.0.0.1:" + port
          + "/split | head -1; done   # 80/20 split");
      out.println("  curl -si http://127.0.0.1:" + port + "/old/page          # 302 redirect to /v1/page");
      out.println("  curl -s http://127.0.0.1:" + port + "/hello              # direct response");
      out.println("  curl -s --http2-prior-knowledge http://127.0.0.1:" + port + "/v1   # HTTP/2 cleartext");
      out.println("  curl -s http://127.0.0.1:" + admin + "/stats | grep downstream_rq");
      out.println("Press Ctrl-C to stop.");
      CountDownLatch stopped = new CountDownLatch(1);
      Signals.onTerminate(signal -> {
        server.drainAndStop();
        stopped.countDown();
      });
      stopped.await();
      return EXIT_OK;
    } catch (ConfigException e) {
      err.println("sluice demo: bundled bootstrap is invalid: " + e.getMessage());
      return EXIT_FAILURE;
    } catch (StartupException | IOException e) {
      err.println("sluice demo: " + e.getMessage()
          + " (is another demo running? choose other ports with --port N --admin-port N)");
      return EXIT_FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_FAILURE;
    } finally {
      for (AutoCloseable b : backends) {
        try {
          b.close();
        } catch (Exception e) {
          log.debug("closing demo backend", e);
        }
      }
    }
  }

  private static int intArg(List<String> args, int i, String flag) throws UsageException {
    if (i >= args.size()) {
      throw new UsageException(flag + " needs a value");
    }
    try {
      int v = Integer.parseInt(args.get(i));
      if (v < 0 || v > 65535) {
        throw new UsageException(flag + " must be a port 0..65535, got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " needs a number, got '" + args.get(i) + "'");
    }
  }

  static String demoBootstrap() throws IOException {
    try (InputStream in = Main.class.getResourceAsStream("demo-bootstrap.yaml")) {
      if (in == null) {
        throw new IOException("demo-bootstrap.yaml is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
