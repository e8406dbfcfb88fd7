package dev.sluice.app;

import dev.sluice.common.RandomSource;
import dev.sluice.common.Ticker;
import dev.sluice.config.BootstrapConfig;
import dev.sluice.snapshot.ConfigSnapshot;
import dev.sluice.xds.XdsClient;
import dev.sluice.xds.XdsClientOptions;
import dev.sluice.xds.resource.XdsServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires an xDS client to a running server: every snapshot the client publishes is applied to the
 * server on one configuration thread. Snapshots that arrive while one is being applied are
 * coalesced, since only the newest matters.
 */
final class DynamicConfig implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DynamicConfig.class);

  private final SluiceServer server;
  private final ExecutorService applier;
  private final AtomicReference<ConfigSnapshot> pending = new AtomicReference<>();
  private XdsClient client;

  private DynamicConfig(SluiceServer server) {
    this.server = server;
    this.applier = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sluice-config");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the xDS client for {@code xds}; snapshots flow into {@code server} from then on. */
  static DynamicConfig start(SluiceServer server, BootstrapConfig bootstrap, XdsServerConfig xds,
      Optional<Path> configCache) {
    DynamicConfig dynamic = new DynamicConfig(server);
    XdsClientOptions.Builder options = XdsClientOptions.builder(xds, bootstrap.node())
        .staticResources(bootstrap)
        .fileSecretNames(server.fileSecretNames())
        .stats(server.stats())
        .ticker(Ticker.SYSTEM)
        .random(RandomSource.THREAD_LOCAL);
    configCache.ifPresent(options::configCache);
    dynamic.client = XdsClient.start(options.build(), dynamic::offer);
    server.setConfigDumpSource(dynamic::configDump);
    return dynamic;
  }

  /** Completes once the first snapshot from the management server (or the cache) has been applied. */
  CompletableFuture<Void> initialApplied(Duration timeout) {
    return client.initialSnapshot()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenApplyAsync(snapshot -> {
          applyPending();
          return null;
        }, applier);
  }

  private void offer(ConfigSnapshot snapshot) {
    if (pending.getAndSet(snapshot) == null) {
      applier.execute(this::applyPending);
    }
  }

  private void applyPending() {
    ConfigSnapshot snapshot = pending.getAndSet(null);
    if (snapshot == null) {
      return;
    }
    try {
      server.apply(snapshot);
    } catch (RuntimeException e) {
      // A snapshot that cannot be applied must not stop later ones.
      log.error("applying configuration {} failed", snapshot.version(), e);
    }
  }

  /** The bootstrap's dump followed by the dynamic resources with their versions. */
  private String configDump() {
    String xds = client.configDumpJson();
    String bootstrap = server.bootstrapConfigDumpEntry();
    String prefix = "{\"configs\":[";
    if (!xds.startsWith(prefix)) {
      return "{\"configs\":[" + bootstrap + "],\"xds\":" + xds + "}";
    }
    boolean empty = xds.startsWith("]", prefix.length());
    return prefix + bootstrap + (empty ? "" : ",") + xds.substring(prefix.length());
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    applier.shutdownNow();
  }
}
