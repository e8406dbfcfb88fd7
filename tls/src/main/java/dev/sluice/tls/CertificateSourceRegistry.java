package dev.sluice.tls;

import dev.sluice.common.Ticker;
import dev.sluice.config.CertificateValidationConfig.TrustedCa;
import dev.sluice.config.DataSource;
import dev.sluice.config.TlsCertificateConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Turns certificate configuration into {@link CertificateSource}s: inline material is loaded at
 * once; anything read from files is watched ({@link FileWatcherCertificateSource}), one shared
 * watcher per distinct set of paths; SDS names map to one {@link SdsCertificateSource} each,
 * created on first mention, into which the xDS wiring pushes secrets.
 *
 * <p>Files named in static configuration are watched too. Envoy watches only files named by SDS
 * secrets, but rotating static files in place is how VM workloads receive new certificates, and
 * watching costs one small read per interval.
 */
public final class CertificateSourceRegistry implements AutoCloseable {
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);

  private final ScheduledExecutorService poller;
  private final boolean ownsPoller;
  private final Duration pollInterval;
  private final Ticker ticker;
  private final Map<TlsCertificateConfig, CertificateSource<CertificateMaterial>> certificates = new ConcurrentHashMap<>();
  private final Map<TrustedCa, CertificateSource<TrustBundle>> trustedCas = new ConcurrentHashMap<>();
  private final Map<String, SdsCertificateSource<CertificateMaterial>> sdsCertificates = new ConcurrentHashMap<>();
  private final Map<String, SdsCertificateSource<TrustBundle>> sdsTrustedCas = new ConcurrentHashMap<>();

  /**
   * @param poller runs file polls; file loads and the context rebuilds they trigger run on it too,
   *     so it must not be an event loop
   */
  public CertificateSourceRegistry(ScheduledExecutorService poller, Duration pollInterval, Ticker ticker) {
    this(poller, false, pollInterval, ticker);
  }

  private CertificateSourceRegistry(ScheduledExecutorService poller, boolean ownsPoller, Duration pollInterval,
      Ticker ticker) {
    this.poller = Objects.requireNonNull(poller, "poller");
    this.ownsPoller = ownsPoller;
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /** A registry with its own daemon polling thread and the default interval. */
  public static CertificateSourceRegistry create() {
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "sluice-tls-files");
      thread.setDaemon(true);
      return thread;
    });
    return new CertificateSourceRegistry(poller, true, DEFAULT_POLL_INTERVAL, Ticker.SYSTEM);
  }

  /** The source of the certificate {@code config} describes. */
  public CertificateSource<CertificateMaterial> certificate(TlsCertificateConfig config) {
    Objects.requireNonNull(config, "config");
    if (config instanceof TlsCertificateConfig.Sds sds) {
      return sdsCertificate(sds.secretName());
    }
    TlsCertificateConfig.Static material = (TlsCertificateConfig.Static) config;
    if (files(material.certificateChain(), material.privateKey()).isEmpty()) {
      // Inline material is not kept here: control planes inline new PEM on every change, and the
      // factory's snapshot cache already shares contexts built from equal bytes.
      return inlineCertificate(material);
    }
    return certificates.computeIfAbsent(config, c -> watchedCertificate((TlsCertificateConfig.Static) c));
  }

  /** The source of the CA bundle {@code config} describes. */
  public CertificateSource<TrustBundle> trustedCa(TrustedCa config) {
    Objects.requireNonNull(config, "config");
    if (config instanceof TrustedCa.Sds sds) {
      return sdsTrustedCa(sds.secretName());
    }
    DataSource pem = ((TrustedCa.Static) config).pem();
    if (files(pem).isEmpty()) {
      return inlineTrustedCa(pem);
    }
    return trustedCas.computeIfAbsent(config, c -> watchedTrustedCa(((TrustedCa.Static) c).pem()));
  }

  /** The SDS certificate secret {@code secretName}; the xDS wiring pushes into it. */
  public SdsCertificateSource<CertificateMaterial> sdsCertificate(String secretName) {
    return sdsCertificates.computeIfAbsent(secretName, SdsCertificateSource::new);
  }

  /** The SDS validation-context secret {@code secretName}; the xDS wiring pushes into it. */
  public SdsCertificateSource<TrustBundle> sdsTrustedCa(String secretName) {
    return sdsTrustedCas.computeIfAbsent(secretName, SdsCertificateSource::new);
  }

  public Ticker ticker() {
    return ticker;
  }

  private CertificateSource<CertificateMaterial> inlineCertificate(TlsCertificateConfig.Static config) {
    String name = config.certificateChain().describe() + " + " + config.privateKey().describe();
    try {
      return StaticCertificateSource.of(name, PemLoader.certificate(config, ticker));
    } catch (TlsMaterialException e) {
      return StaticCertificateSource.failed(name, e.getMessage());
    }
  }

  private CertificateSource<CertificateMaterial> watchedCertificate(TlsCertificateConfig.Static config) {
    DataSource chain = config.certificateChain();
    DataSource key = config.privateKey();
    return new FileWatcherCertificateSource<>(chain.describe() + " + " + key.describe(), files(chain, key),
        contents -> PemLoader.certificate(bytes(chain, contents), chain.describe(), bytes(key, contents), key.describe(), ticker),
        poller, pollInterval);
  }

  private CertificateSource<TrustBundle> inlineTrustedCa(DataSource pem) {
    try {
      return StaticCertificateSource.of(pem.describe(), PemLoader.trustBundle(pem, ticker));
    } catch (TlsMaterialException e) {
      return StaticCertificateSource.failed(pem.describe(), e.getMessage());
    }
  }

  private CertificateSource<TrustBundle> watchedTrustedCa(DataSource pem) {
    return new FileWatcherCertificateSource<>(pem.describe(), files(pem),
        contents -> PemLoader.trustBundle(bytes(pem, contents), pem.describe(), ticker), poller, pollInterval);
  }

  private static List<Path> files(DataSource... sources) {
    List<Path> files = new ArrayList<>();
    for (DataSource source : sources) {
      if (source instanceof DataSource.Filename file && !files.contains(Path.of(file.path()))) {
        files.add(Path.of(file.path()));
      }
    }
    return files;
  }

  private static byte[] bytes(DataSource source, Map<Path, byte[]> contents) {
    return source instanceof DataSource.Filename file ? contents.get(Path.of(file.path())) : PemLoader.read(source);
  }

  /** Stops the polling thread when this registry created it. */
  @Override
  public void close() {
    if (ownsPoller) {
      poller.shutdownNow();
    }
  }
}
