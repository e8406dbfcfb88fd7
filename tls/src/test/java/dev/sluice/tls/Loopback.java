package dev.sluice.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Real TLS over loopback sockets: an echo server and clients, each side's handshake outcome observable. */
final class Loopback implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

  /** One side of one connection. */
  static final class Side {
    final Channel channel;
    final SslHandler ssl;
    final CompletableFuture<Void> handshake = new CompletableFuture<>();
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    Side(Channel channel, SslHandler ssl) {
      this.channel = channel;
      this.ssl = ssl;
      ssl.handshakeFuture().addListener(f -> {
        if (f.isSuccess()) {
          handshake.complete(null);
        } else {
          handshake.completeExceptionally(f.cause());
        }
      });
    }

    /** The handshake's failure, or null when it succeeded; waits up to 5 s. */
    Throwable handshakeFailure() throws InterruptedException {
      try {
        handshake.get(5, TimeUnit.SECONDS);
        return null;
      } catch (java.util.concurrent.ExecutionException e) {
        return e.getCause();
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("handshake did not finish within 5 s", e);
      }
    }

    /** The peer's leaf certificate, once the handshake has succeeded. */
    X509Certificate peerCertificate() throws Exception {
      Throwable failure = handshakeFailure();
      if (failure != null) {
        throw new AssertionError("handshake failed", failure);
      }
      return (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
    }

    /** Sends {@code text} and waits for its echo; null when nothing came back (connection closed). */
    String roundTrip(String text) throws InterruptedException {
      channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
      StringBuilder echoed = new StringBuilder();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (echoed.length() < text.length()) {
        String part = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (part == null) {
          return null;
        }
        echoed.append(part);
      }
      return echoed.toString();
    }
  }

  final BlockingQueue<Side> accepted = new LinkedBlockingQueue<>();

  /** Starts an echo server whose connections take their handler from {@code handlers}; returns its port. */
  int server(Function<ByteBufAllocator, SslHandler> handlers) throws InterruptedException {
    Channel server = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            SslHandler ssl = handlers.apply(ch.alloc());
            ch.pipeline().addLast(ssl, new Echo());
            accepted.add(new Side(ch, ssl));
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Connects a client whose handler comes from {@code handlers}. */
  Side connect(int port, Function<ByteBufAllocator, SslHandler> handlers) throws InterruptedException {
    Side[] side = new Side[1];
    Channel channel = new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            SslHandler ssl = handlers.apply(ch.alloc());
            side[0] = new Side(ch, ssl);
            ch.pipeline().addLast(ssl, new Collect(side[0]));
          }
        })
        .connect(new InetSocketAddress("127.0.0.1", port)).sync().channel();
    return side[0];
  }

  /** The server side of the next accepted connection. */
  Side nextAccepted() throws InterruptedException {
    Side side = accepted.poll(5, TimeUnit.SECONDS);
    if (side == null) {
      throw new AssertionError("no connection accepted within 5 s");
    }
    return side;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static final class Collect extends ChannelInboundHandlerAdapter {
    private final Side side;

    Collect(Side side) {
      this.side = side;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        side.received.add(buf.toString(StandardCharsets.UTF_8));
      } finally {
        buf.release();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
