package dev.sluice.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.Ticker;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.DataSource;
import dev.sluice.config.DownstreamTlsConfig;
import dev.sluice.config.TlsCertificateConfig;
import dev.sluice.config.TlsParamsConfig;
import io.netty.handler.ssl.SslProvider;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Certificates rotated on disk: new handshakes see the new certificate within a second, the
 * established connection keeps working, and a bad file keeps the last good certificate.
 */
class FileRotationTest {
  private static final Duration POLL = CertificateSourceRegistry.DEFAULT_POLL_INTERVAL;

  @TempDir
  Path dir;

  private ScheduledExecutorService poller;
  private CertificateSourceRegistry sources;
  private Loopback loopback;

  @BeforeEach
  void start() {
    poller = Executors.newSingleThreadScheduledExecutor();
    sources = new CertificateSourceRegistry(poller, POLL, Ticker.SYSTEM);
    loopback = new Loopback();
  }

  @AfterEach
  void stop() {
    loopback.close();
    poller.shutdownNow();
  }

  static List<SslProvider> providers() {
    return TlsFixtures.providers().toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void newHandshakesSeeTheNewCertificateWithinOneSecondAndOldConnectionsKeepWorking(SslProvider provider)
      throws Exception {
    TestPki.Issued ca = TestPki.ca("root");
    TestPki.Issued first = TestPki.leaf(ca, "gateway", List.of(), List.of("gateway.example.com"));
    TestPki.Issued second = TestPki.leaf(ca, "gateway", List.of(), List.of("gateway.example.com"));
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    write(cert, first.certificatePem());
    write(key, first.keyPem());
    RotatingTlsContext context = TlsFixtures.factory(provider).serverContext("rotating", fileConfig(cert, key), sources);
    assertThat(context.ready().get(5, TimeUnit.SECONDS).serial()).isEqualTo(first.serial());
    int port = loopback.server(context::newHandler);
    TlsSnapshot client = TlsFixtures.factory(provider)
        .clientSnapshot(TlsFixtures.client(TlsParamsConfig.DEFAULT, null, ca, List.of()), null,
            PemLoader.trustBundle(ca.certificatePem().getBytes(StandardCharsets.US_ASCII), "ca", Ticker.SYSTEM));
    Loopback.Side established = loopback.connect(port, client::newHandler);
    assertThat(established.peerCertificate().getSerialNumber()).isEqualTo(first.serial());
    assertThat(established.roundTrip("before")).isEqualTo("before");

    CompletableFuture<BigInteger> rotated = new CompletableFuture<>();
    context.watch(new CertificateWatcher<>() {
      @Override
      public void onUpdate(TlsSnapshot snapshot) {
        if (snapshot.serial().equals(second.serial())) {
          rotated.complete(snapshot.serial());
        }
      }

      @Override
      public void onError(String reason) {}
    });
    long writtenAt = System.nanoTime();
    // Key first, then chain, as an agent rewriting files in place would: the pair is loaded once both agree.
    write(key, second.keyPem());
    write(cert, second.certificatePem());
    rotated.get(2, TimeUnit.SECONDS);
    long rotationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writtenAt);

    Loopback.Side fresh = loopback.connect(port, client::newHandler);
    assertThat(fresh.peerCertificate().getSerialNumber()).isEqualTo(second.serial());
    LoggerFactory.getLogger(FileRotationTest.class).info("{}: new certificate in use {} ms after the write", provider,
        rotationMillis);
    assertThat(rotationMillis).as("rotation latency in ms").isLessThan(1000);
    assertThat(established.roundTrip("after")).isEqualTo("after");
    assertThat(established.peerCertificate().getSerialNumber()).isEqualTo(first.serial());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void aBadNewFileKeepsTheLastGoodCertificateAndReportsWhy(SslProvider provider) throws Exception {
    TestPki.Issued ca = TestPki.ca("root");
    TestPki.Issued good = TestPki.leaf(ca, "gateway", List.of(), List.of("gateway.example.com"));
    TestPki.Issued other = TestPki.leaf(ca, "other", List.of(), List.of());
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    write(cert, good.certificatePem());
    write(key, good.keyPem());
    RotatingTlsContext context = TlsFixtures.factory(provider).serverContext("rotating", fileConfig(cert, key), sources);
    context.ready().get(5, TimeUnit.SECONDS);
    CompletableFuture<String> reported = new CompletableFuture<>();
    context.watch(new CertificateWatcher<>() {
      @Override
      public void onUpdate(TlsSnapshot snapshot) {}

      @Override
      public void onError(String reason) {
        reported.complete(reason);
      }
    });

    write(key, other.keyPem());

    assertThat(reported.get(2, TimeUnit.SECONDS))
        .contains("private key file " + key)
        .contains("does not match the certificate")
        .contains("file " + cert);
    assertThat(context.lastError()).isPresent();
    assertThat(context.current().serial()).isEqualTo(good.serial());
    int port = loopback.server(context::newHandler);
    TlsSnapshot client = TlsFixtures.factory(provider)
        .clientSnapshot(TlsFixtures.client(TlsParamsConfig.DEFAULT, null, null, List.of()), null, null);
    assertThat(loopback.connect(port, client::newHandler).peerCertificate().getSerialNumber()).isEqualTo(good.serial());
  }

  private static DownstreamTlsConfig fileConfig(Path cert, Path key) {
    return DownstreamTlsConfig.of(new CommonTlsConfig(TlsParamsConfig.DEFAULT,
        List.of(new TlsCertificateConfig.Static(new DataSource.Filename(cert.toString()), new DataSource.Filename(key.toString()))),
        null, List.of()));
  }

  /** Writes through a temporary file and an atomic move, as Kubernetes' symlink swap makes the change appear at once. */
  private static void write(Path target, String content) throws Exception {
    Path temp = Files.createTempFile(target.getParent(), "tmp", ".pem");
    Files.writeString(temp, content);
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
