package dev.sluice.perf.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the harness's load generator from rotting: a few hundred requests against a tiny
 * in-process Netty server, checking counts and that histograms fill. No timing assertions.
 */
class LoadGeneratorSmokeTest {
  private static EventLoopGroup group;
  private static Channel server;
  private static int port;
  private static final AtomicInteger served = new AtomicInteger();

  @BeforeAll
  static void startServer() throws Exception {
    NettyTransport transport = NettyTransport.best();
    group = transport.newGroup(1);
    server = new ServerBootstrap().group(group).channel(transport.serverChannelClass())
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new SimpleChannelInboundHandler<HttpRequest>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, HttpRequest request) {
                served.incrementAndGet();
                if (request.uri().startsWith("/chunked")) {
                  HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                  head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
                  ctx.write(head);
                  ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("hello, ", StandardCharsets.US_ASCII)));
                  ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT.copy()
                      .replace(Unpooled.copiedBuffer("world\n", StandardCharsets.US_ASCII)));
                  return;
                }
                HttpResponseStatus status = request.uri().startsWith("/missing")
                    ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.OK;
                ByteBuf body = Unpooled.copiedBuffer("hello, world\n", StandardCharsets.US_ASCII);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
                response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                ctx.writeAndFlush(response);
              }
            });
          }
        })
        .bind("127.0.0.1", 0).sync().channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
  }

  @AfterAll
  static void stopServer() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static LoadSpec spec(String path, int connections, double rate, Duration duration) {
    return new LoadSpec("127.0.0.1", port, path, null, connections, rate, duration, Duration.ZERO,
        Duration.ofSeconds(5));
  }

  @Test
  void openLoopAccountsForEveryScheduledRequest() throws Exception {
    LoadResult result = LoadGenerator.run(spec("/", 4, 300, Duration.ofSeconds(1)));

    // 300 slots fall inside one second at 300/s; each is answered, unsent or timed out.
    assertThat(result.completed() + result.errors() + result.unsent() + result.timedOut()).isEqualTo(300);
    assertThat(result.completed()).isPositive();
    assertThat(result.errors()).isZero();
    assertThat(result.non2xx()).isZero();
    assertThat(result.corrected().getTotalCount())
        .isEqualTo(result.completed() + result.unsent() + result.timedOut());
    assertThat(result.uncorrected().getTotalCount()).isEqualTo(result.completed());
    assertThat(result.summaryLine()).contains("completed=" + result.completed()).contains("p99_us=");
  }

  @Test
  void closedLoopCountsStatusesAndParsesChunkedBodies() throws Exception {
    LoadResult notFound = LoadGenerator.run(spec("/missing", 2, 0, Duration.ofMillis(300)));
    assertThat(notFound.completed()).isPositive();
    assertThat(notFound.non2xx()).isEqualTo(notFound.completed());

    LoadResult chunked = LoadGenerator.run(spec("/chunked", 2, 0, Duration.ofMillis(300)));
    assertThat(chunked.completed()).isPositive();
    assertThat(chunked.errors()).isZero();
    assertThat(chunked.non2xx()).isZero();
    assertThat(chunked.uncorrected().getTotalCount()).isEqualTo(chunked.completed());
  }

  @Test
  void idleConnectionsAreOpenedAnsweredAndHeld() throws Exception {
    int before = served.get();
    AtomicReference<IdleConnections.Result> established = new AtomicReference<>();
    IdleConnections.Result result = IdleConnections.run("127.0.0.1", port, "/", null, 50, 8, 10,
        established::set, () -> true);

    assertThat(established.get().ok()).isEqualTo(50);
    assertThat(result.failed()).isZero();
    assertThat(result.closedWhileIdle()).isZero();
    assertThat(served.get() - before).isEqualTo(50);
  }
}
