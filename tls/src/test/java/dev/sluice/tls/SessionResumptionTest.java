package dev.sluice.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.common.Ticker;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.DownstreamTlsConfig;
import dev.sluice.config.TlsParamsConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.lang.reflect.Method;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stateless resumption (RFC 5077 tickets) is on for servers unless disabled, as in Envoy, and
 * clients resume by default (Envoy's max_session_keys 1). The server runs on OpenSSL, whose engine
 * can tell whether a session was resumed (read through reflection: the accessor is package-private).
 */
class SessionResumptionTest {
  private Loopback loopback;

  @BeforeEach
  void start() {
    loopback = new Loopback();
  }

  @AfterEach
  void stop() {
    loopback.close();
  }

  static Stream<Arguments> cases() {
    return TlsFixtures.providers().flatMap(client -> Stream.of(Arguments.of(client, false, true),
        Arguments.of(client, true, false)));
  }

  @ParameterizedTest(name = "client {0}, tickets disabled {1}")
  @MethodSource("cases")
  void aSecondConnectionResumesByTicketUnlessDisabled(SslProvider clientProvider, boolean disableTickets,
      boolean resumed) throws Exception {
    assumeTrue(OpenSsl.isAvailable());
    TestPki.Issued ca = TestPki.ca("root");
    TestPki.Issued leaf = TestPki.leaf(ca, "gw", List.of(), List.of("gw.example.com"));
    // The stateful session cache is off, so a resumption can only come from a ticket.
    DownstreamTlsConfig config = new DownstreamTlsConfig(TlsFixtures.common(TlsParamsConfig.DEFAULT,
        TlsFixtures.inline(leaf), null, CommonTlsConfig.HTTP_ALPN), false, disableTickets, true, null);
    TlsSnapshot server = TlsFixtures.factory(SslProvider.OPENSSL)
        .serverSnapshot(config, PemLoader.certificate(TlsFixtures.inline(leaf), Ticker.SYSTEM), null);
    int port = loopback.server(server::newHandler);
    TlsSnapshot client = TlsFixtures.factory(clientProvider)
        .clientSnapshot(TlsFixtures.client(TlsParamsConfig.DEFAULT, null, null, List.of()), null, null);

    boolean[] reused = new boolean[2];
    for (int i = 0; i < 2; i++) {
      Loopback.Side side = loopback.connect(port, alloc -> client.newHandler(alloc, "gw.example.com", port));
      assertThat(side.roundTrip("x")).isEqualTo("x");
      Loopback.Side accepted = loopback.nextAccepted();
      assertThat(accepted.handshakeFailure()).isNull();
      reused[i] = isSessionReused(accepted.ssl.engine());
      side.channel.close().sync();
    }

    assertThat(reused[0]).isFalse();
    assertThat(reused[1]).isEqualTo(resumed);
  }

  private static boolean isSessionReused(SSLEngine engine) throws Exception {
    Method method = engine.getClass().getSuperclass().getDeclaredMethod("isSessionReused");
    method.setAccessible(true);
    return (boolean) method.invoke(engine);
  }
}
