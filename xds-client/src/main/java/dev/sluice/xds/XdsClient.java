package dev.sluice.xds;

import dev.sluice.config.SecretConfig;
import dev.sluice.snapshot.ConfigSnapshot;
import dev.sluice.xds.transport.AdsTransport;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ADS client (state of the world or incremental) that turns what a management server sends
 * into complete, consistent {@link ConfigSnapshot}s: listeners with their RDS routes in place,
 * clusters with their EDS endpoints, the secrets their TLS contexts name, plus the static
 * resources of the bootstrap.
 *
 * <p>All state lives on one thread of the client's own; snapshots are handed to the
 * {@link SnapshotWatcher} there. The other methods may be called from any thread.
 *
 * <pre>{@code
 * XdsClient xds = XdsClient.start(
 *     XdsClientOptions.builder(loaded.xds().orElseThrow(), node)
 *         .staticResources(config)
 *         .stats(stats)
 *         .configCache(dir)
 *         .build(),
 *     snapshot -> server.apply(snapshot));
 * xds.awaitInitial(Duration.ofMinutes(1));
 * }</pre>
 */
public final class XdsClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(XdsClient.class);
  private static final long CALL_TIMEOUT_SECONDS = 10;

  private final ScheduledThreadPoolExecutor executor;
  private final AtomicReference<Thread> thread;
  private final AdsTransport transport;
  private final AdsSession session;

  private XdsClient(ScheduledThreadPoolExecutor executor, AtomicReference<Thread> thread, AdsTransport transport,
      AdsSession session) {
    this.executor = executor;
    this.thread = thread;
    this.transport = transport;
    this.session = session;
  }

  /**
   * Starts fetching and returns at once. The first snapshot arrives through the watcher and
   * {@link #initialSnapshot()}.
   */
  public static XdsClient start(XdsClientOptions options, SnapshotWatcher watcher) {
    AtomicReference<Thread> thread = new AtomicReference<>();
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "sluice-xds-client");
      t.setDaemon(true);
      thread.set(t);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    AdsTransport transport = AdsTransport.connect(options.server(), executor);
    AdsSession session = new AdsSession(options, executor, thread::get, transport, watcher);
    executor.execute(AdsSession.guarded(session::start));
    return new XdsClient(executor, thread, transport, session);
  }

  /**
   * Completes with the first snapshot, once LDS and CDS have answered or timed out and nothing is
   * warming — or with the cached snapshot when the server stays away. Dependent actions given
   * without an executor run on the client's thread.
   */
  public CompletableFuture<ConfigSnapshot> initialSnapshot() {
    return session.initialSnapshot();
  }

  /** Waits up to {@code timeout} for the first snapshot; empty when it has not come yet. */
  public Optional<ConfigSnapshot> awaitInitial(Duration timeout) throws InterruptedException {
    try {
      return Optional.of(session.initialSnapshot().get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException | ExecutionException e) {
      return Optional.empty();
    }
  }

  /** The snapshot last handed to the watcher, if any. */
  public Optional<ConfigSnapshot> currentSnapshot() {
    return session.current();
  }

  /**
   * The secrets held from SDS over ADS, by name. Every published snapshot carries them with the
   * bootstrap's static secrets in {@link ConfigSnapshot#secrets()}.
   */
  public Map<String, SecretConfig> secrets() {
    return session.secrets();
  }

  /** Whether the ADS stream is up (it has received a response since it opened). */
  public boolean isConnected() {
    return session.isConnected();
  }

  /** Whether the configuration served came from the config cache, the server not having delivered yet. */
  public boolean isServingFromCache() {
    return call(session::servingFromCache);
  }

  /**
   * The client's part of /config_dump: {@code {"configs": [...], "xds_client": {...}}}. The
   * {@code configs} entries are Envoy's ListenersConfigDump, ClustersConfigDump, RoutesConfigDump,
   * EndpointsConfigDump and SecretsConfigDump, to follow the BootstrapConfigDump; {@code xds_client}
   * holds the server, the connection, the config cache flag and the last NACK of each type.
   */
  public String configDumpJson() {
    return call(session::configDump);
  }

  private <T> T call(java.util.concurrent.Callable<T> task) {
    if (Thread.currentThread() == thread.get()) {
      try {
        return task.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    try {
      return executor.submit(task).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
      throw new IllegalStateException("the xDS client did not answer: " + e, e);
    }
  }

  /** Stops the stream and the client's thread. The last snapshot stays with whoever holds it. */
  @Override
  public void close() {
    boolean onOwnThread = Thread.currentThread() == thread.get();
    try {
      if (onOwnThread) {
        session.close();
      } else {
        executor.submit(session::close).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
      LOG.warn("xDS client: close did not complete cleanly: {}", e.toString());
    }
    transport.shutdown();
    executor.shutdownNow();
    if (!onOwnThread) {
      try {
        executor.awaitTermination(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
