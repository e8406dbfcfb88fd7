package dev.sluice.perf.xds;

import dev.sluice.perf.load.NettyTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.FullHttpRequest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A keep-alive HTTP/1.1 backend on 127.0.0.1 answering 200 "ok" with {@code x-backend: <name>}. */
final class BenchBackend implements AutoCloseable {
  private final String name;
  private final Channel channel;

  private BenchBackend(String name, Channel channel) {
    this.name = name;
    this.channel = channel;
  }

  static BenchBackend start(String name, EventLoopGroup group, NettyTransport transport) throws InterruptedException {
    byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
    Channel ch = new ServerBootstrap().group(group).channel(transport.serverChannelClass())
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer(body));
                    r.headers().set("x-backend", name).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    boolean keepAlive = HttpUtil.isKeepAlive((HttpRequest) request);
                    HttpUtil.setKeepAlive(r, keepAlive);
                    var f = ctx.writeAndFlush(r);
                    if (!keepAlive) {
                      f.addListener(x -> ctx.close());
                    }
                  }
                });
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    return new BenchBackend(name, ch);
  }

  String name() {
    return name;
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
