package dev.sluice.xds;

import dev.sluice.config.SecretConfig;
import dev.sluice.xds.bootstrap.ConfigException;
import dev.sluice.xds.bootstrap.SecretFileLoader;
import dev.sluice.xds.resource.SecretFileReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SDS file source: the file an {@code sds_config: {path_config_source: {path: FILE}}} names,
 * holding a {@code DiscoveryResponse} of secrets (see {@link SecretFileLoader}). The first read is
 * synchronous and must succeed; afterwards the file is polled and its watcher called with the
 * secrets whenever they change, as Envoy reloads the file when another is moved over it.
 *
 * <p>Polling rather than {@code WatchService}, as the TLS module's certificate files: a Kubernetes
 * secret volume swaps a {@code ..data} symlink in the directory (Envoy's {@code watched_directory}),
 * and writers may rewrite in place; a poll that looks at what the path resolves to catches both on
 * every file system. A poll costs one {@code stat} while nothing changes: the file is read only when
 * its modification time, size or identity (inode) differs from the last poll, and the watcher is
 * called only when the content hash and then the decoded secrets differ, so touching a file does
 * nothing. A file that is missing, unreadable or invalid is logged at WARN once per version, and the
 * watcher keeps the last good secrets.
 *
 * <p>All sources poll on one shared daemon thread unless given their own executor; the watcher is
 * called on that thread.
 */
public final class FileSecretSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileSecretSource.class);
  /** As the TLS module's certificate files: a new file is in use within about 300 ms. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);

  /** Receives the secrets of the file, the first time and after every change. */
  @FunctionalInterface
  public interface Watcher {
    void onSecrets(Map<String, SecretConfig> secrets);
  }

  private static final class SharedPoller {
    static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "sluice-secret-files");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** What identifies one version of the file without reading it. */
  private record Stamp(long modifiedNanos, long size, Object fileKey) {}

  private final Path file;
  private final Watcher watcher;

  // Guarded by this.
  private ScheduledFuture<?> pollTask;
  private boolean closed;
  private Stamp stamp;
  private byte[] digest;
  private Map<String, SecretConfig> current;

  private FileSecretSource(Path file, Watcher watcher) {
    this.file = Objects.requireNonNull(file, "file");
    this.watcher = Objects.requireNonNull(watcher, "watcher");
  }

  /**
   * Reads {@code file}, hands its secrets to {@code watcher} before returning, and polls it every
   * {@link #DEFAULT_POLL_INTERVAL} on the shared thread.
   *
   * @throws ConfigException when the file cannot be read or holds invalid secrets
   */
  public static FileSecretSource start(Path file, Watcher watcher) throws ConfigException {
    return start(file, watcher, SharedPoller.INSTANCE, DEFAULT_POLL_INTERVAL);
  }

  /** {@link #start(Path, Watcher)} polling on {@code poller}; it must not be an event loop. */
  public static FileSecretSource start(Path file, Watcher watcher, ScheduledExecutorService poller,
      Duration interval) throws ConfigException {
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("poll interval must be at least 1 ms: " + interval);
    }
    FileSecretSource source = new FileSecretSource(file, watcher);
    String failure = source.load();
    if (failure != null) {
      throw new ConfigException(List.of(failure));
    }
    synchronized (source) {
      source.pollTask = poller.scheduleWithFixedDelay(source::pollSafely, interval.toMillis(), interval.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return source;
  }

  public Path file() {
    return file;
  }

  /** The secrets last handed to the watcher. */
  public synchronized Map<String, SecretConfig> secrets() {
    return current;
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      // An exception would cancel the periodic task; keep watching instead.
      log.warn("secret file {}: polling failed", file, e);
    }
  }

  /** One poll; the periodic task calls it, and tests call it directly. */
  synchronized void poll() {
    if (closed) {
      return;
    }
    String failure = load();
    if (failure != null) {
      log.warn("secret file changed but cannot be used: {}; keeping the last good secrets", failure);
    }
  }

  /**
   * Looks at the file and, when it changed, reads and decodes it; the watcher is called when the
   * secrets differ. Returns why the new version cannot be used, starting with the file's name, or
   * null (also when nothing changed).
   */
  private synchronized String load() {
    Stamp now;
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      now = new Stamp(attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS), attributes.size(),
          attributes.fileKey());
    } catch (NoSuchFileException e) {
      now = new Stamp(-1, -1, null);
    } catch (IOException | SecurityException e) {
      now = new Stamp(-2, -2, e.toString());
    }
    if (now.equals(stamp)) {
      return null;
    }
    stamp = now;
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return file + ": cannot read the file: no such file";
    } catch (IOException | SecurityException e) {
      return file + ": cannot read the file: " + e;
    }
    byte[] hash = sha256(bytes);
    if (Arrays.equals(hash, digest)) {
      return null;
    }
    digest = hash;
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return file + ": not valid UTF-8 text";
    }
    SecretFileReader.Result result = SecretFileLoader.parse(text, file);
    if (!result.ok()) {
      return String.join("; ", result.errors());
    }
    if (result.secrets().equals(current)) {
      return null;
    }
    current = result.secrets();
    log.info("secret file {}: loaded secrets {}", file, new TreeSet<>(current.keySet()));
    watcher.onSecrets(current);
    return null;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
    }
  }

  /** Stops polling; the shared thread stays for other sources. */
  @Override
  public synchronized void close() {
    closed = true;
    if (pollTask != null) {
      pollTask.cancel(false);
      pollTask = null;
    }
  }
}
