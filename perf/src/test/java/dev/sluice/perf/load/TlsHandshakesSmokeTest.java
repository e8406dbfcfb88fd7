package dev.sluice.perf.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the harness's TLS handshake client honest: against an in-process BoringSSL server with
 * tickets on, handshakes after each slot's first resume; with resumption off, none does. Counts
 * only, no timing assertions.
 */
class TlsHandshakesSmokeTest {
  private static EventLoopGroup group;
  private static Channel server;
  private static SelfSignedCertificate certificate;
  private static int port;

  @BeforeAll
  static void startServer() throws Exception {
    Assumptions.assumeTrue(OpenSsl.isAvailable(), "netty-tcnative is not available here");
    certificate = new SelfSignedCertificate("localhost", "EC", 256);
    SslContext ssl = SslContextBuilder.forServer(certificate.key(), certificate.cert())
        .sslProvider(SslProvider.OPENSSL)
        .protocols("TLSv1.3")
        .build();
    NettyTransport transport = NettyTransport.best();
    group = transport.newGroup(1);
    server = new ServerBootstrap().group(group).channel(transport.serverChannelClass())
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new HttpServerCodec(),
                new SimpleChannelInboundHandler<HttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, HttpRequest request) {
                    ByteBuf body = Unpooled.copiedBuffer("hello, world\n", StandardCharsets.US_ASCII);
                    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        body);
                    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                  }
                });
          }
        })
        .bind("127.0.0.1", 0).sync().channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (certificate != null) {
      certificate.delete();
    }
  }

  @Test
  void resumesAfterEachSlotsFirstHandshake() throws Exception {
    TlsHandshakes.Result result = TlsHandshakes.run("127.0.0.1", port, "/", null, 4, Duration.ofMillis(1000),
        Duration.ofMillis(300), true);
    assertThat(result.handshakes()).isGreaterThan(20);
    assertThat(result.errors()).isZero();
    assertThat(result.non2xx()).isZero();
    assertThat(result.protocol()).isEqualTo("TLSv1.3");
    // Only each slot's first handshake is full (normally in the warm-up, unless a cold JVM is slow).
    assertThat(result.resumed()).isGreaterThanOrEqualTo(result.handshakes() - 4);
    assertThat(result.summaryLine()).contains("resumed_pct=");
  }

  @Test
  void withoutResumptionEveryHandshakeIsFull() throws Exception {
    TlsHandshakes.Result result = TlsHandshakes.run("127.0.0.1", port, "/", null, 4, Duration.ofMillis(700),
        Duration.ofMillis(100), false);
    assertThat(result.handshakes()).isGreaterThan(10);
    assertThat(result.resumed()).isZero();
    assertThat(result.errors()).isZero();
  }
}
