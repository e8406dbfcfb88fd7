package dev.sluice.listener;

import static dev.sluice.listener.Fixtures.chain;
import static dev.sluice.listener.Fixtures.clientContext;
import static dev.sluice.listener.Fixtures.direct;
import static dev.sluice.listener.Fixtures.get;
import static dev.sluice.listener.Fixtures.leaf;
import static dev.sluice.listener.Fixtures.listener;
import static dev.sluice.listener.Fixtures.tlsConnect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.Ticker;
import dev.sluice.config.CodecType;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.FilterChainMatchConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.TlsCertificateConfig;
import dev.sluice.tls.PemLoader;
import dev.sluice.tls.TestPki;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** Listeners whose certificate comes by SDS: warming, binding once it arrives, replacement, removal, reconcile. */
class ListenerWarmingTest extends ListenerTestBase {
  private static final TestPki.Issued SERVER = leaf("gateway", List.of(Fixtures.GATEWAY_ID), List.of("localhost"));

  @Override
  ListenerManager.Timeouts timeouts() {
    // A short warming timeout exercises the warning path; warming itself never gives up.
    return new ListenerManager.Timeouts(Duration.ofSeconds(15), Duration.ofMillis(100));
  }

  private static ListenerConfig sdsListener(String name, int port, String secret, String body) {
    return listener(name, port, false, chain("https", FilterChainMatchConfig.ANY,
        Fixtures.server(new TlsCertificateConfig.Sds(secret)), direct(name, CodecType.AUTO, body)));
  }

  private static void push(String secret, TestPki.Issued issued) {
    certificates.sdsCertificate(secret).push(PemLoader.certificate(
        issued.certificatePem().getBytes(StandardCharsets.US_ASCII), "test chain",
        issued.keyPem().getBytes(StandardCharsets.US_ASCII), "test key", Ticker.SYSTEM));
  }

  @Test
  void listenerWaitsForItsSecretThenBinds() throws Exception {
    ListenerConfig plain = listener("plain", 0, false, new FilterChainConfig("plain", direct("plain", CodecType.AUTO, "p")));
    List<BoundListener> started = manager.bindAll(List.of(sdsListener("warm", 0, "warm-cert", "warmed"), plain));

    BoundListener warm = started.get(0);
    assertThat(warm.state()).isEqualTo(BoundListener.State.WARMING);
    assertThat(warm.localAddress()).isNull();
    assertThat(warm.filterChainNames()).containsExactly("https");
    assertThat(warm.waitingFor()).singleElement().asString().contains("https").contains("sds secret 'warm-cert'");
    assertThat(manager.listeners()).extracting(BoundListener::name).containsExactly("plain");
    assertThat(manager.warmingListeners()).containsExactly(warm);
    assertThat(gauge("listener_manager.total_listeners_warming")).isEqualTo(1);

    push("warm-cert", SERVER);

    assertThat(warm.whenActive().get(5, TimeUnit.SECONDS)).isSameAs(warm);
    assertThat(warm.state()).isEqualTo(BoundListener.State.ACTIVE);
    try (SSLSocket s = tlsConnect(clientContext(null), warm.localAddress().getPort(), null)) {
      assertThat(get(s, "/")).endsWith("warmed");
    }
    Fixtures.await(() -> gauge("listener_manager.total_listeners_warming") == 0);
    assertThat(gauge("listener_manager.total_listeners_active")).isEqualTo(2);
    assertThat(manager.warmingListeners()).isEmpty();
  }

  @Test
  void replacementWarmsWhileTheOldListenerServes() throws Exception {
    int port = bind(listener("web", 0, false, new FilterChainConfig("plain", direct("web", CodecType.AUTO, "old"))));
    BoundListener old = manager.listener("web");

    assertThat(manager.apply(List.of(sdsListener("web", port, "web-cert", "new")), DRAIN)).isEmpty();

    assertThat(manager.listener("web")).isSameAs(old);
    BoundListener replacement = manager.warmingListeners().get(0);
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      assertThat(get(s, "/")).endsWith("old");
    }

    push("web-cert", SERVER);

    replacement.whenActive().get(5, TimeUnit.SECONDS);
    assertThat(manager.listener("web")).isSameAs(replacement);
    assertThat(old.isAccepting()).isFalse();
    try (SSLSocket s = tlsConnect(clientContext(null), port, null)) {
      assertThat(get(s, "/")).endsWith("new");
    }
    assertThat(counter("listener_manager.listener_modified")).isEqualTo(1);
  }

  @Test
  void removalWhileWarmingCancelsIt() throws Exception {
    assertThat(manager.apply(List.of(sdsListener("gone", 0, "gone-cert", "never")), DRAIN)).isEmpty();
    BoundListener warming = manager.warmingListeners().get(0);

    manager.apply(List.of(), DRAIN);

    assertThat(warming.whenActive()).isCompletedExceptionally();
    assertThat(manager.warmingListeners()).isEmpty();
    assertThat(gauge("listener_manager.total_listeners_warming")).isZero();
    push("gone-cert", SERVER);
    assertThat(manager.listeners()).isEmpty();
  }

  @Test
  void routeChangesApplyInPlaceAndOtherChangesReplace() throws Exception {
    push("reconcile-cert", SERVER);
    int port = bind(sdsListener("r", 0, "reconcile-cert", "one"));
    BoundListener first = manager.listener("r");
    try (SSLSocket s = tlsConnect(clientContext(null), port, null, "http/1.1")) {
      assertThat(get(s, "/")).endsWith("one");
      manager.apply(List.of(sdsListener("r", port, "reconcile-cert", "two")), DRAIN);
      assertThat(manager.listener("r")).isSameAs(first);
      assertThat(get(s, "/")).endsWith("two");
    }
    assertThat(counter("listener_manager.listener_in_place_updated")).isEqualTo(1);

    // Another certificate is a change of the chain: a new listener, bound at once because the
    // inline certificate is ready.
    manager.apply(List.of(listener("r", port, false, chain("https", FilterChainMatchConfig.ANY,
        Fixtures.server(SERVER), direct("r", CodecType.AUTO, "three")))), DRAIN);
    assertThat(manager.listener("r")).isNotSameAs(first);
    assertThat(counter("listener_manager.listener_modified")).isEqualTo(1);
    try (SSLSocket s = tlsConnect(clientContext(null), port, null)) {
      assertThat(get(s, "/")).endsWith("three");
    }
  }
}
