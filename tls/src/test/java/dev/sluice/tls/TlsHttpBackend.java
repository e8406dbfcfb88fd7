package dev.sluice.tls;

import dev.sluice.tls.verify.SubjectAltNames;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.Mapping;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTPS/1.1 server on loopback answering every request with 200: it records, per TLS
 * connection, the SNI it was asked for and the URI SANs of the client's certificate.
 */
final class TlsHttpBackend implements AutoCloseable {
  /** One accepted connection whose handshake succeeded; {@code sni} is null when none was sent. */
  record Handshake(Channel channel, String sni, List<String> clientUris) {}

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final BlockingQueue<Handshake> handshakes = new LinkedBlockingQueue<>();
  private final int port;

  TlsHttpBackend(SslContext context) throws InterruptedException {
    Mapping<String, SslContext> anyName = name -> context;
    Channel server = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new SniHandler(anyName), new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                new Responder());
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    port = ((InetSocketAddress) server.localAddress()).getPort();
  }

  int port() {
    return port;
  }

  /** The next successful handshake; waits up to 5 s. */
  Handshake nextHandshake() throws InterruptedException {
    Handshake h = handshakes.poll(5, TimeUnit.SECONDS);
    if (h == null) {
      throw new AssertionError("no TLS connection completed within 5 s");
    }
    return h;
  }

  /** Handshakes completed and not yet taken. */
  int pendingHandshakes() {
    return handshakes.size();
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Responder extends ChannelInboundHandlerAdapter {
    private String sni;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof SniCompletionEvent e) {
        sni = e.hostname();
      } else if (event instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
        X509Certificate client = (X509Certificate) ctx.pipeline().get(SslHandler.class).engine().getSession()
            .getPeerCertificates()[0];
        handshakes.add(new Handshake(ctx.channel(), sni, SubjectAltNames.of(client).uris()));
      }
      ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ((FullHttpRequest) msg).release();
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8));
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
      ctx.writeAndFlush(response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
