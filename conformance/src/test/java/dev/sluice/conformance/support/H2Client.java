package dev.sluice.conformance.support;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP/2 cleartext client with prior knowledge (RFC 9113 section 3.3) on Netty: one TCP
 * connection, one stream per request, so many requests can be in flight on the same connection.
 */
public final class H2Client implements AutoCloseable {
  private static final int DATA_FRAME = 16 * 1024;
  private static final long TIMEOUT_SECONDS = 20;

  private final EventLoopGroup group;
  private final Channel channel;
  private final String authority;

  private final String scheme;

  private H2Client(EventLoopGroup group, Channel channel, String authority, String scheme) {
    this.group = group;
    this.channel = channel;
    this.authority = authority;
    this.scheme = scheme;
  }

  public static H2Client connect(InetSocketAddress address) {
    return connect(address, null, null);
  }

  /**
   * An HTTP/2 client over TLS: {@code tls} must offer ALPN h2; {@code serverName} is sent as SNI
   * (none when null). Returns once the handshake is done; fails if the server did not choose h2.
   */
  public static H2Client connectTls(InetSocketAddress address, io.netty.handler.ssl.SslContext tls, String serverName) {
    return connect(address, tls, serverName);
  }

  private static H2Client connect(InetSocketAddress address, io.netty.handler.ssl.SslContext tls, String serverName) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel ch = new Bootstrap()
          .group(group)
          .channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              if (tls != null) {
                ch.pipeline().addLast("tls", serverName == null ? tls.newHandler(ch.alloc())
                    : tls.newHandler(ch.alloc(), serverName, address.getPort()));
              }
              ch.pipeline().addLast(Http2FrameCodecBuilder.forClient()
                  .initialSettings(Http2Settings.defaultSettings().initialWindowSize(1 << 20))
                  .build());
              // The proxy never pushes; a server-initiated stream would be a bug, so it is just dropped.
              ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
            }
          })
          .connect(address)
          .syncUninterruptibly()
          .channel();
      if (tls != null) {
        io.netty.handler.ssl.SslHandler handler = (io.netty.handler.ssl.SslHandler) ch.pipeline().get("tls");
        handler.handshakeFuture().syncUninterruptibly();
        if (!"h2".equals(handler.applicationProtocol())) {
          ch.close();
          throw new IllegalStateException("the server chose ALPN " + handler.applicationProtocol() + ", not h2");
        }
      }
      return new H2Client(group, ch, address.getHostString() + ":" + address.getPort(), tls == null ? "http" : "https");
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** The authority requests carry unless they name one: {@code host:port} of the proxy. */
  public String authority() {
    return authority;
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  /** Request headers for {@code method path} with this client's authority and scheme (http, or https over TLS). */
  public Http2Headers headers(String method, String path) {
    return new DefaultHttp2Headers().method(method).path(path).scheme(scheme).authority(authority);
  }

  public CompletableFuture<H2Response> send(String method, String path) {
    return send(headers(method, path), null);
  }

  /** Opens a stream, sends headers and the body (if any) in DATA frames, completes on end of stream. */
  public CompletableFuture<H2Response> send(Http2Headers headers, byte[] body) {
    CompletableFuture<H2Response> result = new CompletableFuture<>();
    new Http2StreamChannelBootstrap(channel)
        .handler(new ResponseCollector(result))
        .open()
        .addListener(opened -> {
          if (!opened.isSuccess()) {
            result.completeExceptionally(opened.cause());
            return;
          }
          Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
          boolean hasBody = body != null && body.length > 0;
          stream.write(new DefaultHttp2HeadersFrame(headers, !hasBody));
          if (hasBody) {
            for (int off = 0; off < body.length; off += DATA_FRAME) {
              int n = Math.min(DATA_FRAME, body.length - off);
              ByteBuf data = Unpooled.wrappedBuffer(body, off, n);
              stream.write(new DefaultHttp2DataFrame(data, off + n == body.length));
            }
          }
          stream.flush();
        });
    return result;
  }

  /** Sends and waits for the response. */
  public H2Response get(String path) {
    return await(send("GET", path));
  }

  public static H2Response await(CompletableFuture<H2Response> response) {
    try {
      return response.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("HTTP/2 request failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no HTTP/2 response within " + TIMEOUT_SECONDS + "s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Gathers one stream's final headers and data; informational (1xx) headers are skipped. */
  private static final class ResponseCollector extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<H2Response> result;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private int status;

    ResponseCollector(CompletableFuture<H2Response> result) {
      this.result = result;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame frame) {
          CharSequence code = frame.headers().status();
          if (code == null || status != 0) {
            // Trailers: only their end-of-stream flag matters here.
            if (frame.isEndStream()) {
              complete();
            }
          } else if (Integer.parseInt(code.toString()) >= 200) {
            status = Integer.parseInt(code.toString());
            frame.headers().forEach(h -> headers.add(Map.entry(h.getKey().toString(), h.getValue().toString())));
            if (frame.isEndStream()) {
              complete();
            }
          }
        } else if (msg instanceof Http2DataFrame frame) {
          ByteBuf data = frame.content();
          try {
            data.readBytes(body, data.readableBytes());
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
          if (frame.isEndStream()) {
            complete();
          }
        } else if (msg instanceof Http2ResetFrame reset) {
          result.completeExceptionally(new IOException("stream reset: " + reset.errorCode()));
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void complete() {
      result.complete(new H2Response(status, headers, body.toByteArray()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.completeExceptionally(new IOException("stream closed before the response ended"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.completeExceptionally(cause);
      ctx.close();
    }
  }
}
