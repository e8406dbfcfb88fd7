package dev.sluice.upstream.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ClusterConfig;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.TlsParamsConfig;
import dev.sluice.config.UpstreamTlsConfig;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.upstream.ClusterManager;
import dev.sluice.upstream.UpstreamEndpoint;
import dev.sluice.upstream.UpstreamTls;
import dev.sluice.upstream.lb.LbPolicyRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UpstreamConnectorTest {
  private static final UpstreamTransport NIO = new UpstreamTransport(NioSocketChannel.class);

  private final StatsRegistry stats = new StatsRegistry();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoop loop = group.next();
  private final ClusterManager manager = new ClusterManager(stats, LbPolicyRegistry.builtIn(), (name, config) ->
      new UpstreamTls() {
        @Override
        public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
          return null;
        }

        @Override
        public String notReadyReason() {
          return "waiting for sds secret 'y'";
        }

        @Override
        public String failureStat(Throwable handshakeFailure) {
          return "ssl.connection_error";
        }

        @Override
        public void close() {}
      });

  @AfterEach
  void close() {
    manager.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private UpstreamEndpoint endpoint(ClusterConfig config) throws Exception {
    manager.update(Map.of(config.name(), config)).get(10, TimeUnit.SECONDS);
    return manager.get(config.name()).endpoints().get(0);
  }

  @Test
  void tlsContextNotReadyFailsTheConnectWithoutASocket() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      UpstreamEndpoint endpoint = endpoint(ClusterConfig.ofStatic("x",
          List.of(EndpointConfig.of("127.0.0.1", server.getLocalPort()))).withTls(UpstreamTlsConfig.of(
              new CommonTlsConfig(TlsParamsConfig.DEFAULT, List.of(), null, List.of()), "")));
      CompletableFuture<Throwable> failed = new CompletableFuture<>();
      loop.execute(() -> UpstreamPools.current(loop, NIO).pool(endpoint).connect(new ConnectCallback() {
        @Override
        public void onConnected(UpstreamConnection connection) {
          failed.completeExceptionally(new AssertionError("connected"));
        }

        @Override
        public void onConnectFailed(Throwable cause) {
          failed.complete(cause);
        }
      }));

      Throwable cause = failed.get(5, TimeUnit.SECONDS);
      assertThat(cause).isInstanceOf(SSLException.class)
          .hasMessage("cluster 'x': TLS context waiting for sds secret 'y'");
      assertThat(stats.counterValues())
          .containsEntry("cluster.x.upstream_cx_connect_fail", 1L)
          .containsEntry("cluster.x.upstream_cx_total", 0L);
      assertThat(endpoint.connectFailures()).isZero();
    }
  }

  @Test
  void rawPlaintextConnectCountsTheConnectionUntilItCloses() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      UpstreamEndpoint endpoint = endpoint(ClusterConfig.ofStatic("raw",
          List.of(EndpointConfig.of("127.0.0.1", server.getLocalPort()))));

      Channel channel = UpstreamConnector.connect(loop, NIO, endpoint, new ChannelInboundHandlerAdapter())
          .get(5, TimeUnit.SECONDS);
      try (Socket accepted = server.accept()) {
        assertThat(channel.isActive()).isTrue();
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(channel.config().getOption(ChannelOption.ALLOW_HALF_CLOSURE)).isTrue();
        assertThat(stats.gaugeValues()).containsEntry("cluster.raw.upstream_cx_active", 1L);
        channel.close().sync();
      }
      assertThat(stats.counterValues()).containsEntry("cluster.raw.upstream_cx_total", 1L);
      assertThat(stats.gaugeValues()).containsEntry("cluster.raw.upstream_cx_active", 0L);
    }
  }

  @Test
  void refusedConnectCountsAFailure() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    UpstreamEndpoint endpoint = endpoint(ClusterConfig.ofStatic("gone", List.of(EndpointConfig.of("127.0.0.1", port))));

    var future = UpstreamConnector.connect(loop, NIO, endpoint, new ChannelInboundHandlerAdapter()).await();

    assertThat(future.isSuccess()).isFalse();
    assertThat(endpoint.connectFailures()).isEqualTo(1);
    assertThat(stats.counterValues()).containsEntry("cluster.gone.upstream_cx_connect_fail", 1L);
  }
}
