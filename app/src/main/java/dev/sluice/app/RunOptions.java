package dev.sluice.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options of {@code run} and {@code validate}, spelled as Envoy spells them so that a
 * supervisor written for Envoy (Istio's pilot-agent, for one) can start Sluice unchanged.
 *
 * <p>Parsed by hand rather than with a CLI library because Envoy's contract is unusual: a known
 * set of Envoy flags that Sluice accepts but cannot honour must be taken, reported once, and not
 * rejected, while any other unknown flag is an error.
 */
record RunOptions(
    Path configPath,
    String configYaml,
    String logLevel,
    String serviceNode,
    String serviceCluster,
    int concurrency,
    Duration drainTime,
    Path adminAddressPath,
    Path configCache,
    boolean validateOnly,
    List<String> ignoredFlags) {

  /** Envoy's default drain time (--drain-time-s). */
  static final Duration DEFAULT_DRAIN_TIME = Duration.ofSeconds(600);

  private static final Set<String> LOG_LEVELS =
      Set.of("trace", "debug", "info", "warning", "warn", "error", "critical", "off");

  /**
   * Envoy flags that take a value and that Sluice accepts without acting on them; each is reported
   * at start-up. Hot restart does not exist here (a drain and a new process replace it), and the
   * log and stats formatting flags have no Sluice counterpart yet.
   */
  private static final Map<String, Boolean> ACCEPTED_BUT_IGNORED = Map.ofEntries(
      Map.entry("--base-id", true),
      Map.entry("--restart-epoch", true),
      Map.entry("--parent-shutdown-time-s", true),
      Map.entry("--drain-strategy", true),
      Map.entry("--local-address-ip-version", true),
      Map.entry("--file-flush-interval-msec", true),
      Map.entry("--log-format", true),
      Map.entry("--log-path", true),
      Map.entry("--component-log-level", true),
      Map.entry("--service-zone", true),
      Map.entry("--max-obj-name-len", true),
      Map.entry("--max-stats", true),
      Map.entry("--disable-hot-restart", false),
      Map.entry("--allow-unknown-static-fields", false),
      Map.entry("--reject-unknown-dynamic-fields", false),
      Map.entry("--ignore-unknown-dynamic-fields", false),
      Map.entry("--log-format-escaped", false),
      Map.entry("--use-dynamic-base-id", false),
      Map.entry("--cpuset-threads", false),
      Map.entry("--enable-fine-grain-logging", false));

  static RunOptions parse(List<String> args, boolean validateOnly) throws UsageException {
    Path configPath = null;
    String configYaml = null;
    String logLevel = "info";
    String serviceNode = null;
    String serviceCluster = null;
    int concurrency = 0;
    Duration drainTime = DEFAULT_DRAIN_TIME;
    Path adminAddressPath = null;
    Path configCache = null;
    boolean validate = validateOnly;
    List<String> ignored = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String flag = arg;
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        flag = arg.substring(0, eq);
        inline = arg.substring(eq + 1);
      }
      switch (flag) {
        case "-c", "--config-path" -> configPath = Path.of(value(args, i, flag, inline));
        case "--config-yaml" -> configYaml = value(args, i, flag, inline);
        case "-l", "--log-level" -> {
          logLevel = value(args, i, flag, inline).toLowerCase(Locale.ROOT);
          if (!LOG_LEVELS.contains(logLevel)) {
            throw new UsageException(flag + ": unknown log level '" + logLevel + "' (one of " + String.join(", ",
                new java.util.TreeSet<>(LOG_LEVELS)) + ")");
          }
        }
        case "--service-node" -> serviceNode = value(args, i, flag, inline);
        case "--service-cluster" -> serviceCluster = value(args, i, flag, inline);
        case "--concurrency" -> concurrency = positiveInt(flag, value(args, i, flag, inline));
        case "--drain-time-s" -> drainTime = Duration.ofSeconds(nonNegativeInt(flag, value(args, i, flag, inline)));
        case "--admin-address-path" -> adminAddressPath = Path.of(value(args, i, flag, inline));
        case "--config-cache" -> configCache = Path.of(value(args, i, flag, inline));
        case "--mode" -> {
          String mode = value(args, i, flag, inline);
          switch (mode) {
            case "serve" -> { }
            case "validate" -> validate = true;
            default -> throw new UsageException("--mode: '" + mode + "' is not supported (serve or validate)");
          }
        }
        default -> {
          Boolean takesValue = ACCEPTED_BUT_IGNORED.get(flag);
          if (takesValue == null) {
            throw new UsageException("unknown flag '" + arg + "'");
          }
          if (takesValue) {
            value(args, i, flag, inline);
          }
          ignored.add(flag);
        }
      }
      if (inline == null && takesValue(flag)) {
        i++;
      }
    }
    if (configPath == null && configYaml == null) {
      throw new UsageException("a configuration is required: -c/--config-path FILE or --config-yaml TEXT");
    }
    return new RunOptions(configPath, configYaml, logLevel, serviceNode, serviceCluster, concurrency, drainTime,
        adminAddressPath, configCache, validate, List.copyOf(ignored));
  }

  private static boolean takesValue(String flag) {
    return switch (flag) {
      case "-c", "--config-path", "--config-yaml", "-l", "--log-level", "--service-node", "--service-cluster",
          "--concurrency", "--drain-time-s", "--admin-address-path", "--config-cache", "--mode" -> true;
      default -> Boolean.TRUE.equals(ACCEPTED_BUT_IGNORED.get(flag));
    };
  }

  private static String value(List<String> args, int i, String flag, String inline) throws UsageException {
    if (inline != null) {
      return inline;
    }
    if (i + 1 >= args.size() || (args.get(i + 1).startsWith("-") && args.get(i + 1).length() > 1)) {
      throw new UsageException(flag + " needs a value");
    }
    return args.get(i + 1);
  }

  private static int positiveInt(String flag, String value) throws UsageException {
    int n = nonNegativeInt(flag, value);
    if (n == 0) {
      throw new UsageException(flag + " must be at least 1, got " + value);
    }
    return n;
  }

  private static int nonNegativeInt(String flag, String value) throws UsageException {
    try {
      int n = Integer.parseInt(value);
      if (n < 0) {
        throw new UsageException(flag + " must not be negative, got " + value);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " needs a whole number, got '" + value + "'");
    }
  }
}
