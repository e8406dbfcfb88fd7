package dev.sluice.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.RandomSource;
import dev.sluice.common.Ticker;
import dev.sluice.config.CertificateValidationConfig;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.SubjectAltNameMatcher;
import dev.sluice.config.TlsCertificateConfig;
import dev.sluice.config.TlsParamsConfig;
import dev.sluice.config.UpstreamTlsConfig;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.tls.verify.PeerVerificationException;
import dev.sluice.tls.verify.PeerVerificationException.Reason;
import dev.sluice.upstream.ClusterManager;
import dev.sluice.upstream.UpstreamCluster;
import dev.sluice.upstream.UpstreamEndpoint;
import dev.sluice.upstream.lb.LbPolicyRegistry;
import dev.sluice.upstream.pool.ConnectCallback;
import dev.sluice.upstream.pool.Http1ConnectionPool;
import dev.sluice.upstream.pool.UpstreamConnection;
import dev.sluice.upstream.pool.UpstreamConnector;
import dev.sluice.upstream.pool.UpstreamPools;
import dev.sluice.upstream.pool.UpstreamResponseListener;
import dev.sluice.upstream.pool.UpstreamTransport;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS origination end to end: a cluster manager with {@link UpstreamTlsContexts}, requests through
 * the HTTP/1.1 pool, and an HTTPS backend on loopback that requires a client certificate.
 */
class UpstreamTlsOriginationTest {
  private static final String BACKEND = "spiffe://cluster.local/ns/default/sa/backend";
  private static final String SLUICE = "spiffe://cluster.local/ns/sluice/sa/gateway";
  private static final UpstreamTransport NIO = new UpstreamTransport(NioSocketChannel.class);

  private static TestPki.Issued ca;
  private static TestPki.Issued backendCert;
  private static TestPki.Issued impostorCert;
  private static TestPki.Issued foreignBackendCert;
  private static TestPki.Issued sluiceCert;
  private static CertificateSourceRegistry sources;
  private static EventLoopGroup clientGroup;
  private static EventLoop loop;

  private final StatsRegistry stats = new StatsRegistry();
  private ClusterManager manager;
  private TlsHttpBackend backend;

  @BeforeAll
  static void mint() {
    ca = TestPki.ca("mesh root");
    TestPki.Issued otherCa = TestPki.ca("other root");
    backendCert = TestPki.leaf(ca, "backend", List.of(BACKEND), List.of("backend.example.com"));
    impostorCert = TestPki.leaf(ca, "backend", List.of("spiffe://cluster.local/ns/default/sa/impostor"),
        List.of("backend.example.com"));
    foreignBackendCert = TestPki.leaf(otherCa, "backend", List.of(BACKEND), List.of("backend.example.com"));
    sluiceCert = TestPki.leaf(ca, "gateway", List.of(SLUICE), List.of());
    sources = CertificateSourceRegistry.create();
    clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    loop = clientGroup.next();
  }

  @AfterAll
  static void stop() {
    clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    sources.close();
  }

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  static Stream<SslProvider> providers() {
    return TlsFixtures.providers();
  }

  // ------------------------------------------------------------------ tests

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void mutualTlsRequestSucceedsAndItsConnectionIsReused(SslProvider provider) throws Exception {
    startBackend(provider, backendCert);
    UpstreamCluster cluster = cluster(provider, staticCluster(upstream(sluiceCert(), "backend.example.com", false)));

    Response first = get(cluster);

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("ok");
    TlsHttpBackend.Handshake seen = backend.nextHandshake();
    assertThat(seen.clientUris()).containsExactly(SLUICE);
    assertThat(seen.sni()).isEqualTo("backend.example.com");

    Response second = get(cluster);

    assertThat(second.status()).isEqualTo(200);
    assertThat(second.channel()).isSameAs(first.channel());
    assertThat(backend.pendingHandshakes()).isZero();
    assertThat(stats.counterValues())
        .containsEntry("cluster.backend.ssl.handshake", 1L)
        .containsEntry("cluster.backend.upstream_cx_total", 1L)
        .containsEntry("cluster.backend.upstream_cx_connect_fail", 0L);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void serverWithAnotherSpiffeIdIsRefused(SslProvider provider) throws Exception {
    startBackend(provider, impostorCert);
    UpstreamCluster cluster = cluster(provider, staticCluster(upstream(sluiceCert(), "backend.example.com", false)));

    Throwable failure = connectFailure(cluster);

    assertThat(PeerVerificationException.reasonOf(failure)).contains(Reason.SAN_MISMATCH);
    assertThat(stats.counterValues())
        .containsEntry("cluster.backend.ssl.fail_verify_san", 1L)
        .containsEntry("cluster.backend.upstream_cx_connect_fail", 1L)
        .doesNotContainKey("cluster.backend.ssl.handshake");
    assertThat(cluster.endpoints().get(0).connectFailures()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void serverFromAnUntrustedCaIsRefused(SslProvider provider) throws Exception {
    startBackend(provider, foreignBackendCert);
    UpstreamCluster cluster = cluster(provider, staticCluster(upstream(sluiceCert(), "backend.example.com", false)));

    Throwable failure = connectFailure(cluster);

    assertThat(PeerVerificationException.reasonOf(failure)).contains(Reason.UNTRUSTED);
    assertThat(stats.counterValues())
        .containsEntry("cluster.backend.ssl.fail_verify_error", 1L)
        .containsEntry("cluster.backend.upstream_cx_connect_fail", 1L);
  }

  @Test
  void changedTlsSettingsAreNotServedByTheOldConnection() throws Exception {
    startBackend(SslProvider.JDK, backendCert);
    ClusterConfig before = staticCluster(upstream(sluiceCert(), "backend.example.com", false));
    UpstreamCluster cluster = cluster(SslProvider.JDK, before);
    Response first = get(cluster);
    assertThat(backend.nextHandshake().sni()).isEqualTo("backend.example.com");

    apply(before.withTls(upstream(sluiceCert(), "other.example.com", false)));
    Response second = get(cluster);

    assertThat(second.status()).isEqualTo(200);
    assertThat(second.channel()).isNotSameAs(first.channel());
    assertThat(backend.nextHandshake().sni()).isEqualTo("other.example.com");
    // The old connection sat idle in the pool of an endpoint that left; the pool's sweep closes it.
    assertThat(first.channel().closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void withoutSniConfiguredNoneIsSent() throws Exception {
    startBackend(SslProvider.JDK, backendCert);
    UpstreamCluster cluster = cluster(SslProvider.JDK, staticCluster(upstream(sluiceCert(), "", false)));

    assertThat(get(cluster).status()).isEqualTo(200);
    assertThat(backend.nextHandshake().sni()).isNull();
  }

  @Test
  void relayConnectionsGetTheSameTlsEvenWithoutAutoRead() throws Exception {
    startBackend(SslProvider.JDK, backendCert);
    UpstreamCluster cluster = cluster(SslProvider.JDK, staticCluster(upstream(sluiceCert(), "backend.example.com", false)));

    // Relay connections start with AUTO_READ off; the handshake must still complete on its own.
    Channel channel = UpstreamConnector.connect(loop, NIO, cluster.endpoints().get(0),
        new ChannelInboundHandlerAdapter()).get(10, TimeUnit.SECONDS);

    assertThat(channel.pipeline().get(SslHandler.class)).isNotNull();
    assertThat(channel.config().isAutoRead()).isFalse();
    assertThat(backend.nextHandshake().clientUris()).containsExactly(SLUICE);
    assertThat(stats.counterValues()).containsEntry("cluster.backend.ssl.handshake", 1L);
    channel.close().sync();
    assertThat(stats.gaugeValues()).containsEntry("cluster.backend.upstream_cx_active", 0L);
  }

  @Test
  void cancellingAPendingHandshakeClosesTheConnectionUncounted() throws Exception {
    // A server that accepts and never answers the ClientHello keeps the handshake pending.
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ClusterConfig config = ClusterConfig.ofStatic("backend", List.of(EndpointConfig.of("127.0.0.1",
          silent.getLocalPort()))).withTls(upstream(sluiceCert(), "backend.example.com", false));
      UpstreamCluster cluster = cluster(SslProvider.JDK, config);
      Future<Channel> pending = UpstreamConnector.connect(loop, NIO, cluster.endpoints().get(0),
          new ChannelInboundHandlerAdapter());
      try (Socket accepted = silent.accept()) {
        assertThat(pending.isDone()).isFalse();

        assertThat(pending.cancel(false)).isTrue();

        // The upstream side closed: the silent server reads end of stream.
        accepted.setSoTimeout(5000);
        while (accepted.getInputStream().read() >= 0) {
          // the ClientHello
        }
      }
      assertThat(stats.counterValues())
          .containsEntry("cluster.backend.upstream_cx_connect_fail", 0L)
          .doesNotContainKeys("cluster.backend.ssl.connection_error", "cluster.backend.ssl.handshake");
    }
  }

  @Test
  void clientCertificateFromSdsIsAwaitedThenUsed() throws Exception {
    startBackend(SslProvider.JDK, backendCert);
    String secret = "sluice-cert-" + System.nanoTime();
    ClusterConfig config = staticCluster(upstream(new TlsCertificateConfig.Sds(secret), "backend.example.com", false));
    manager = new ClusterManager(stats, LbPolicyRegistry.builtIn(),
        new UpstreamTlsContexts(TlsFixtures.factory(SslProvider.JDK), sources));
    java.util.concurrent.CompletableFuture<Void> initialised = manager.update(Map.of(config.name(), config));
    // The cluster is live (requests fail fast) but not initialised until its secret arrives.
    while (manager.get(config.name()) == null || manager.get(config.name()).tls() == null) {
      Thread.onSpinWait();
    }
    UpstreamCluster cluster = manager.get(config.name());

    Throwable failure = connectFailure(cluster);
    assertThat(initialised).isNotDone();

    assertThat(failure).isInstanceOf(SSLException.class)
        .hasMessage("cluster 'backend': TLS context waiting for sds secret '" + secret + "'");
    assertThat(backend.pendingHandshakes()).isZero();

    sources.sdsCertificate(secret).push(PemLoader.certificate(TlsFixtures.inline(sluiceCert), Ticker.SYSTEM));

    initialised.get(10, TimeUnit.SECONDS);
    assertThat(get(cluster).status()).isEqualTo(200);
    assertThat(backend.nextHandshake().clientUris()).containsExactly(SLUICE);
  }

  // ------------------------------------------------------------------ fixtures

  private void startBackend(SslProvider provider, TestPki.Issued certificate) throws InterruptedException {
    SslContext context = TlsFixtures.factory(provider)
        .serverContext("backend", TlsFixtures.mtlsServer(certificate, ca, List.of()), sources).current().sslContext();
    backend = new TlsHttpBackend(context);
  }

  private static TlsCertificateConfig sluiceCert() {
    return TlsFixtures.inline(sluiceCert);
  }

  /** Sluice's side: its certificate, the mesh CA, and the backend's SPIFFE ID pinned; no ALPN (HTTP/1.1). */
  private static UpstreamTlsConfig upstream(TlsCertificateConfig certificate, String sni, boolean autoHostSni) {
    CommonTlsConfig common = TlsFixtures.common(TlsParamsConfig.DEFAULT, certificate,
        new CertificateValidationConfig(TlsFixtures.inlineCa(ca), List.of(SubjectAltNameMatcher.uriExact(BACKEND))),
        List.of());
    return new UpstreamTlsConfig(common, sni, autoHostSni, false, UpstreamTlsConfig.DEFAULT_MAX_SESSION_KEYS);
  }

  private ClusterConfig staticCluster(UpstreamTlsConfig tls) {
    return ClusterConfig.ofStatic("backend", List.of(EndpointConfig.of("127.0.0.1", backend.port()))).withTls(tls);
  }

  private UpstreamCluster cluster(SslProvider provider, ClusterConfig config) throws Exception {
    manager = new ClusterManager(stats, LbPolicyRegistry.builtIn(),
        new UpstreamTlsContexts(TlsFixtures.factory(provider), sources));
    apply(config);
    return manager.get(config.name());
  }

  private void apply(ClusterConfig config) throws Exception {
    manager.update(Map.of(config.name(), config)).get(10, TimeUnit.SECONDS);
  }

  private record Response(int status, String body, Channel channel) {}

  /** One GET through the cluster's pool on the client loop, as the router does it. */
  private static Response get(UpstreamCluster cluster) throws Exception {
    return exchange(cluster).get(10, TimeUnit.SECONDS);
  }

  private static Throwable connectFailure(UpstreamCluster cluster) throws Exception {
    try {
      Response unexpected = exchange(cluster).get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected a connect failure, got " + unexpected);
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private static CompletableFuture<Response> exchange(UpstreamCluster cluster) {
    CompletableFuture<Response> result = new CompletableFuture<>();
    loop.execute(() -> {
      UpstreamEndpoint endpoint = cluster.pick(RandomSource.seeded(1));
      Http1ConnectionPool pool = UpstreamPools.current(loop, NIO).pool(endpoint);
      UpstreamConnection idle = pool.acquireNow();
      if (idle != null) {
        send(idle, result);
        return;
      }
      pool.connect(new ConnectCallback() {
        @Override
        public void onConnected(UpstreamConnection connection) {
          send(connection, result);
        }

        @Override
        public void onConnectFailed(Throwable cause) {
          result.completeExceptionally(cause);
        }
      });
    });
    return result;
  }

  private static void send(UpstreamConnection connection, CompletableFuture<Response> result) {
    connection.bind(new UpstreamResponseListener() {
      private int status;
      private final StringBuilder body = new StringBuilder();

      @Override
      public void onUpstreamMessage(UpstreamConnection c, HttpObject message) {
        try {
          if (message instanceof HttpResponse response) {
            status = response.status().code();
          }
          if (message instanceof HttpContent content) {
            body.append(content.content().toString(StandardCharsets.UTF_8));
          }
          if (message instanceof LastHttpContent) {
            c.release(true);
            result.complete(new Response(status, body.toString(), c.channel()));
          }
        } finally {
          ReferenceCountUtil.release(message);
        }
      }

      @Override
      public void onUpstreamReadComplete(UpstreamConnection c) {}

      @Override
      public void onUpstreamClosed(UpstreamConnection c, Throwable cause) {
        result.completeExceptionally(cause != null ? cause : new IOException("upstream closed"));
      }

      @Override
      public void onUpstreamWritabilityChanged(UpstreamConnection c) {}
    });
    DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/",
        Unpooled.EMPTY_BUFFER);
    request.headers().set(HttpHeaderNames.HOST, "backend.example.com");
    request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    connection.channel().writeAndFlush(request);
  }
}
