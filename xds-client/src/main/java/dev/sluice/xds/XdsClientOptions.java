package dev.sluice.xds;

import dev.sluice.common.RandomSource;
import dev.sluice.common.Ticker;
import dev.sluice.config.BootstrapConfig;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.NodeConfig;
import dev.sluice.config.SecretConfig;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.xds.resource.XdsServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How to start an {@link XdsClient}.
 *
 * @param server the management server, from {@code LoadedBootstrap.xds()}
 * @param node the node identity sent on the stream
 * @param staticListeners listeners of the bootstrap, part of every snapshot
 * @param staticClusters clusters of the bootstrap, part of every snapshot
 * @param staticSecrets secrets of the bootstrap, part of every snapshot; a TLS context's secret
 *     name not among them is fetched over ADS
 * @param secretNames SDS secrets to fetch and hold beyond those the TLS contexts name
 * @param fileSecretNames secrets the static resources read from SDS files (the server watches
 *     those); not fetched over ADS and not part of the snapshots
 * @param stats where the client's stats go
 * @param ticker the clock for update times
 * @param random the source of reconnect jitter
 * @param configCacheDir where accepted configurations are kept ({@code --config-cache}), if anywhere
 * @param configCacheFilesKept how many cached configurations to keep
 * @param configCacheFallbackAfter how long start-up waits for the server before serving the cache;
 *     by default the initial fetch timeout, or 15 s when that is disabled
 */
public record XdsClientOptions(
    XdsServerConfig server,
    NodeConfig node,
    List<ListenerConfig> staticListeners,
    List<ClusterConfig> staticClusters,
    Map<String, SecretConfig> staticSecrets,
    Set<String> secretNames,
    Set<String> fileSecretNames,
    StatsRegistry stats,
    Ticker ticker,
    RandomSource random,
    Optional<Path> configCacheDir,
    int configCacheFilesKept,
    Optional<Duration> configCacheFallbackAfter) {

  public static final int DEFAULT_CONFIG_CACHE_FILES_KEPT = 5;

  public XdsClientOptions {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(node, "node");
    staticListeners = List.copyOf(staticListeners);
    staticClusters = List.copyOf(staticClusters);
    staticSecrets = Map.copyOf(staticSecrets);
    secretNames = Set.copyOf(secretNames);
    fileSecretNames = Set.copyOf(fileSecretNames);
    Objects.requireNonNull(stats, "stats");
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(configCacheDir, "configCacheDir");
    Objects.requireNonNull(configCacheFallbackAfter, "configCacheFallbackAfter");
    if (configCacheFilesKept < 1) {
      throw new IllegalArgumentException("configCacheFilesKept must be at least 1");
    }
  }

  public static Builder builder(XdsServerConfig server, NodeConfig node) {
    return new Builder(server, node);
  }

  /** Builds options; everything but the server and the node has a default. */
  public static final class Builder {
    private final XdsServerConfig server;
    private final NodeConfig node;
    private List<ListenerConfig> staticListeners = List.of();
    private List<ClusterConfig> staticClusters = List.of();
    private Map<String, SecretConfig> staticSecrets = Map.of();
    private Set<String> secretNames = Set.of();
    private Set<String> fileSecretNames = Set.of();
    private StatsRegistry stats = new StatsRegistry();
    private Ticker ticker = Ticker.SYSTEM;
    private RandomSource random = RandomSource.THREAD_LOCAL;
    private Optional<Path> configCacheDir = Optional.empty();
    private int configCacheFilesKept = DEFAULT_CONFIG_CACHE_FILES_KEPT;
    private Optional<Duration> configCacheFallbackAfter = Optional.empty();

    private Builder(XdsServerConfig server, NodeConfig node) {
      this.server = server;
      this.node = node;
    }

    public Builder staticResources(List<ListenerConfig> listeners, List<ClusterConfig> clusters) {
      this.staticListeners = listeners;
      this.staticClusters = clusters;
      return this;
    }

    /** The static listeners, clusters and secrets of {@code bootstrap}. */
    public Builder staticResources(BootstrapConfig bootstrap) {
      return staticResources(bootstrap.listeners(), bootstrap.clusters()).staticSecrets(bootstrap.secrets());
    }

    public Builder staticSecrets(Map<String, SecretConfig> secrets) {
      this.staticSecrets = secrets;
      return this;
    }

    public Builder secretNames(Set<String> names) {
      this.secretNames = names;
      return this;
    }

    public Builder fileSecretNames(Set<String> names) {
      this.fileSecretNames = names;
      return this;
    }

    public Builder stats(StatsRegistry stats) {
      this.stats = stats;
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    public Builder random(RandomSource random) {
      this.random = random;
      return this;
    }

    public Builder configCache(Path dir) {
      this.configCacheDir = Optional.of(dir);
      return this;
    }

    public Builder configCacheFilesKept(int count) {
      this.configCacheFilesKept = count;
      return this;
    }

    public Builder configCacheFallbackAfter(Duration delay) {
      this.configCacheFallbackAfter = Optional.of(delay);
      return this;
    }

    public XdsClientOptions build() {
      return new XdsClientOptions(server, node, staticListeners, staticClusters, staticSecrets, secretNames, fileSecretNames,
          stats,
          ticker, random, configCacheDir, configCacheFilesKept, configCacheFallbackAfter);
    }
  }
}
