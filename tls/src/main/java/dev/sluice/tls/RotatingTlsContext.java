package dev.sluice.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS context whose certificate and CA can change: it watches its sources, builds a new
 * {@link TlsSnapshot} on the thread that delivered the change (never an event loop), and publishes
 * it with one volatile write. Readers take {@link #current()} once per connection.
 *
 * <p>Rotation contract: a new certificate or CA is used by every handshake that starts after the
 * swap (within 1 s of a file change with the default polling, at once for an SDS push). Established
 * connections are untouched: each {@link SslHandler} holds the engine of the context it was
 * created from, so swapping the reference cannot affect it, and nothing needs to drain. A bad
 * update (unreadable file, key not matching) keeps the last good snapshot and is reported through
 * {@link #lastError()} and to watchers.
 *
 * <p>It is also a {@link CertificateSource} of snapshots, so listeners can react to rotations
 * (stats, {@code /certs}) with the same replaying watchers.
 */
public final class RotatingTlsContext implements CertificateSource<TlsSnapshot>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RotatingTlsContext.class);

  /** Builds a snapshot from the latest material; throws {@link TlsMaterialException} when it cannot. */
  @FunctionalInterface
  interface SnapshotBuilder {
    TlsSnapshot build(CertificateMaterial certificate, TrustBundle trust);
  }

  private final String name;
  private final SnapshotBuilder builder;
  private final CertificateSource<CertificateMaterial> certificateSource;
  private final CertificateSource<TrustBundle> trustSource;
  private final LastValueBroadcaster<TlsSnapshot> broadcaster;
  private final CompletableFuture<TlsSnapshot> ready = new CompletableFuture<>();
  private final List<Subscription> subscriptions = new ArrayList<>();
  private volatile TlsSnapshot current;
  private volatile boolean closed;

  // Guarded by this.
  private CertificateMaterial certificate;
  private TrustBundle trust;
  private String lastError;

  private RotatingTlsContext(String name, SnapshotBuilder builder, CertificateSource<CertificateMaterial> certificateSource,
      CertificateSource<TrustBundle> trustSource) {
    this.name = Objects.requireNonNull(name, "name");
    this.builder = builder;
    this.certificateSource = certificateSource;
    this.trustSource = trustSource;
    this.broadcaster = new LastValueBroadcaster<>(name);
  }

  /**
   * Starts watching. Either source may be {@code null} when the configuration has no certificate
   * (a client) or no trusted CA.
   */
  static RotatingTlsContext start(String name, SnapshotBuilder builder,
      CertificateSource<CertificateMaterial> certificateSource, CertificateSource<TrustBundle> trustSource) {
    RotatingTlsContext context = new RotatingTlsContext(name, builder, certificateSource, trustSource);
    // Subscribing replays the sources' current values, which may build the first snapshot right here.
    List<Subscription> subscriptions = new ArrayList<>();
    if (trustSource != null) {
      subscriptions.add(trustSource.watch(context.new Input<>(trustSource.name(), context::onTrust)));
    }
    if (certificateSource != null) {
      subscriptions.add(certificateSource.watch(context.new Input<>(certificateSource.name(), context::onCertificate)));
    }
    if (certificateSource == null && trustSource == null) {
      context.rebuild();
    }
    synchronized (context.subscriptions) {
      context.subscriptions.addAll(subscriptions);
    }
    return context;
  }

  @Override
  public String name() {
    return name;
  }

  /** The snapshot new connections use, or {@code null} while waiting for the first certificate or CA. */
  public TlsSnapshot current() {
    return current;
  }

  /** Completes with the first snapshot; a listener warms until then (Envoy waits for SDS secrets likewise). */
  public CompletableFuture<TlsSnapshot> ready() {
    return ready.copy();
  }

  /** What the first snapshot still waits for, e.g. {@code [sds secret 'default']}; empty once ready. */
  public synchronized List<String> waitingFor() {
    List<String> waiting = new ArrayList<>();
    if (certificateSource != null && certificate == null) {
      waiting.add(certificateSource.name());
    }
    if (trustSource != null && trust == null) {
      waiting.add(trustSource.name());
    }
    return waiting;
  }

  /** True once {@link #close()} was called: the context no longer follows its sources. */
  public boolean isClosed() {
    return closed;
  }

  /** The latest failure to load or build, cleared by the next success. */
  public synchronized Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  /** A handler from the current snapshot (server side, or client side without SNI). */
  public SslHandler newHandler(ByteBufAllocator alloc) {
    return requireCurrent().newHandler(alloc);
  }

  /** A client-side handler from the current snapshot sending {@code peerHost} as SNI. */
  public SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort) {
    return requireCurrent().newHandler(alloc, peerHost, peerPort);
  }

  private TlsSnapshot requireCurrent() {
    TlsSnapshot snapshot = current;
    if (snapshot == null) {
      throw new IllegalStateException("TLS context " + name + " is not ready; waiting for " + waitingFor()
          + lastError().map(e -> " (last error: " + e + ")").orElse(""));
    }
    return snapshot;
  }

  @Override
  public Subscription watch(CertificateWatcher<TlsSnapshot> watcher) {
    broadcaster.add(watcher);
    return () -> broadcaster.remove(watcher);
  }

  /** Stops watching the sources; the current snapshot stays usable for connections that hold it. */
  @Override
  public void close() {
    closed = true;
    List<Subscription> toClose;
    synchronized (subscriptions) {
      toClose = List.copyOf(subscriptions);
      subscriptions.clear();
    }
    toClose.forEach(Subscription::close);
  }

  private synchronized void onCertificate(CertificateMaterial material) {
    certificate = material;
    rebuild();
  }

  private synchronized void onTrust(TrustBundle bundle) {
    trust = bundle;
    rebuild();
  }

  private synchronized void onSourceError(String sourceName, String reason) {
    lastError = reason;
    log.warn("TLS context {}: {} failed: {}; {}", name, sourceName, reason,
        current == null ? "no certificate yet" : "keeping serial " + serialOf(current));
    broadcaster.publishError(reason);
  }

  private synchronized void rebuild() {
    if ((certificateSource != null && certificate == null) || (trustSource != null && trust == null)) {
      return;
    }
    TlsSnapshot next;
    try {
      next = builder.build(certificate, trust);
    } catch (TlsMaterialException | IllegalArgumentException e) {
      onSourceError("building the context", e.getMessage());
      return;
    }
    lastError = null;
    if (next == current) {
      return;
    }
    TlsSnapshot previous = current;
    current = next;
    for (String warning : next.warnings()) {
      log.warn("TLS context {}: {}", name, warning);
    }
    log.info("TLS context {}: {} (serial {}, notAfter {})", name, previous == null ? "ready" : "rotated",
        serialOf(next), next.notAfter());
    broadcaster.publish(next);
    ready.complete(next);
  }

  private static String serialOf(TlsSnapshot snapshot) {
    return snapshot.serial() == null ? "none" : snapshot.serial().toString(16);
  }

  /** Adapts one source's deliveries to this context. */
  private final class Input<T> implements CertificateWatcher<T> {
    private final String sourceName;
    private final Consumer<T> onValue;

    Input(String sourceName, Consumer<T> onValue) {
      this.sourceName = sourceName;
      this.onValue = onValue;
    }

    @Override
    public void onUpdate(T value) {
      onValue.accept(value);
    }

    @Override
    public void onError(String reason) {
      onSourceError(sourceName, reason);
    }
  }
}
