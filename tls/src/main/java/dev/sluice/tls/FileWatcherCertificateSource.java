package dev.sluice.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a set of files (a certificate chain and its key, or a CA bundle) by polling their
 * content and reloads when any of them changes.
 *
 * <p>Why content polling rather than {@code WatchService}: Kubernetes rotates mounted secrets by
 * swapping a {@code ..data} symlink in the parent directory, and agents often rewrite files in
 * place; hashing what the paths resolve to catches both, on every file system, for the price of
 * reading a few kilobytes per interval. All files are read in one pass and handed to the loader
 * together, so a chain and a key are parsed from the same moment (Envoy's atomic read of
 * {@code watched_directory}).
 *
 * <p>Debounce: changed content is loaded on the poll that first sees it, and a good load is
 * published at once, so with the default 250 ms interval a new certificate is in use within about
 * 300 ms, well inside the 1 s rotation contract. A load that fails is reported only when the same
 * content fails again on the next poll: a key caught before its new chain (or a file caught
 * mid-write) is not reported as an error, it simply loads once the writer finishes. A failure that
 * persists is reported to watchers, who keep the last good value, and is not retried until the
 * content changes again. Polling runs only while someone watches.
 */
public final class FileWatcherCertificateSource<T> implements CertificateSource<T> {
  private static final Logger log = LoggerFactory.getLogger(FileWatcherCertificateSource.class);

  /** Turns the content of the watched files (by path, in the order given) into a value. */
  @FunctionalInterface
  public interface Loader<T> {
    T load(Map<Path, byte[]> contents);
  }

  private final String name;
  private final List<Path> files;
  private final Loader<T> loader;
  private final ScheduledExecutorService executor;
  private final Duration pollInterval;
  private final LastValueBroadcaster<T> broadcaster;

  // Guarded by this.
  private ScheduledFuture<?> pollTask;
  /** Content last published, as a value or as an error. */
  private String loadedDigest;
  /** Content that failed to load once; reported if the next poll sees it fail again. */
  private String pendingDigest;

  public FileWatcherCertificateSource(String name, List<Path> files, Loader<T> loader,
      ScheduledExecutorService executor, Duration pollInterval) {
    this.name = Objects.requireNonNull(name, "name");
    this.files = List.copyOf(files);
    this.loader = Objects.requireNonNull(loader, "loader");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    if (this.files.isEmpty()) {
      throw new IllegalArgumentException("nothing to watch");
    }
    if (pollInterval.toMillis() < 1) {
      throw new IllegalArgumentException("poll interval must be at least 1 ms: " + pollInterval);
    }
    this.broadcaster = new LastValueBroadcaster<>(name);
  }

  @Override
  public String name() {
    return name;
  }

  public List<Path> files() {
    return files;
  }

  @Override
  public Subscription watch(CertificateWatcher<T> watcher) {
    broadcaster.add(watcher);
    synchronized (this) {
      if (pollTask == null) {
        pollTask = executor.scheduleWithFixedDelay(this::pollSafely, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
    AtomicBoolean closed = new AtomicBoolean();
    return () -> {
      if (closed.compareAndSet(false, true) && broadcaster.remove(watcher) == 0) {
        stopPolling();
      }
    };
  }

  /** True while a poll is scheduled, that is while someone watches. */
  synchronized boolean isPolling() {
    return pollTask != null;
  }

  private synchronized void stopPolling() {
    if (pollTask != null) {
      pollTask.cancel(false);
      pollTask = null;
    }
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      // An exception would cancel the periodic task; keep watching instead.
      log.warn("polling {} failed", name, e);
    }
  }

  synchronized void poll() {
    Map<Path, byte[]> contents = new LinkedHashMap<>();
    String readFailure = null;
    MessageDigest digest = sha256();
    for (Path file : files) {
      digest.update(file.toString().getBytes(StandardCharsets.UTF_8));
      try {
        byte[] bytes = PemLoader.readFile(file, "file " + file);
        contents.put(file, bytes);
        digest.update((byte) 1);
        digest.update(bytes);
      } catch (TlsMaterialException e) {
        readFailure = readFailure == null ? e.getMessage() : readFailure;
        digest.update((byte) 0);
        digest.update(e.getMessage().getBytes(StandardCharsets.UTF_8));
      }
    }
    String current = HexFormat.of().formatHex(digest.digest());
    if (current.equals(loadedDigest)) {
      pendingDigest = null;
      return;
    }
    T value = null;
    String failure = readFailure;
    if (failure == null) {
      try {
        value = loader.load(contents);
      } catch (TlsMaterialException e) {
        failure = e.getMessage();
      }
    }
    if (failure != null && loadedDigest != null && !current.equals(pendingDigest)) {
      pendingDigest = current; // Perhaps mid-rotation: report only if the next poll sees the same content fail.
      return;
    }
    loadedDigest = current;
    pendingDigest = null;
    if (failure != null) {
      log.warn("{}: {}; keeping the last good value", name, failure);
      broadcaster.publishError(failure);
      return;
    }
    log.info("{}: loaded {}", name, value);
    broadcaster.publish(value);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
    }
  }
}
