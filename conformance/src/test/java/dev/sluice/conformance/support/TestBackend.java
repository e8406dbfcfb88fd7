package dev.sluice.conformance.support;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import javax.net.ssl.SSLSession;

/**
 * A real HTTP/1.1 server on 127.0.0.1 and an ephemeral port. By default it answers 200 with
 * {@code x-backend: <name>} and a body that echoes the request ({@link EchoedRequest}). Request
 * bodies are streamed and checksummed as they arrive, never aggregated, so big uploads work.
 *
 * <p>Query parameters change the answer:
 * <ul>
 *   <li>{@code status=N}: answer with status N;
 *   <li>{@code delay_ms=N}: answer N ms after the request ended;
 *   <li>{@code bytes=N}: stream N bytes of {@link Bodies}' pattern in 16 KiB chunks, pausing while
 *       the socket is not writable (backpressure);
 *   <li>{@code chunked=1}: send the body with chunked transfer-encoding instead of content-length;
 *   <li>{@code close=1}: close the connection without answering;
 *   <li>{@code set-header=k:v} (repeatable): add a response header.
 * </ul>
 *
 * It answers one request at a time per connection, as the proxy sends them; a pipelining client
 * would get a delayed answer after a later one.
 */
public final class TestBackend implements AutoCloseable {
  private static final int CHUNK = 16 * 1024;
  /** The pattern from every phase: a chunk at offset o is PATTERN[o % 251, o % 251 + n). */
  private static final byte[] PATTERN = Bodies.pattern(CHUNK + 251);

  private final String name;
  private final EventLoopGroup group;
  private final Channel server;
  private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger connections = new AtomicInteger();
  private final ConcurrentLinkedQueue<EchoedRequest> received = new ConcurrentLinkedQueue<>();

  private final SslContext tls;
  private final ConcurrentLinkedQueue<SSLSession> tlsSessions = new ConcurrentLinkedQueue<>();

  private TestBackend(String name, SslContext tls) {
    this.name = name;
    this.tls = tls;
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      this.server = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              connections.incrementAndGet();
              children.add(ch);
              if (tls != null) {
                SslHandler ssl = tls.newHandler(ch.alloc());
                ssl.handshakeFuture().addListener(f -> {
                  if (f.isSuccess()) {
                    tlsSessions.add(ssl.engine().getSession());
                  }
                });
                ch.pipeline().addLast(ssl);
              }
              // Generous limits: the proxy forwards up to 60 KiB of headers plus its own.
              ch.pipeline().addLast(new HttpServerCodec(new HttpDecoderConfig()
                  .setMaxInitialLineLength(64 * 1024)
                  .setMaxHeaderSize(256 * 1024)));
              ch.pipeline().addLast(new HttpServerExpectContinueHandler());
              ch.pipeline().addLast(new ExchangeHandler());
            }
          })
          .bind(new InetSocketAddress("127.0.0.1", 0))
          .syncUninterruptibly()
          .channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  public static TestBackend start(String name) {
    return new TestBackend(name, null);
  }

  /** A backend behind TLS with the given server context (which may require client certificates). */
  public static TestBackend startTls(String name, SslContext serverContext) {
    return new TestBackend(name, serverContext);
  }

  /** The sessions of completed TLS handshakes, oldest first (peer certificates, SNI through the engine). */
  public List<SSLSession> tlsSessions() {
    return new ArrayList<>(tlsSessions);
  }

  public String name() {
    return name;
  }

  public int port() {
    return address().getPort();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** TCP connections accepted since start or the last {@link #reset()}. */
  public int connections() {
    return connections.get();
  }

  /** Requests completely received (body included), oldest first. */
  public List<EchoedRequest> received() {
    return new ArrayList<>(received);
  }

  public int requestCount() {
    return received.size();
  }

  /** The most recent complete request, or null. */
  public EchoedRequest lastRequest() {
    EchoedRequest last = null;
    for (EchoedRequest r : received) {
      last = r;
    }
    return last;
  }

  /** Forgets counted connections and recorded requests (open connections stay open). */
  public void reset() {
    connections.set(0);
    received.clear();
    tlsSessions.clear();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    children.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Override
  public String toString() {
    return "TestBackend{" + name + " on " + server.localAddress() + "}";
  }

  /** One connection's requests, one after another, and its streamed responses. */
  private final class ExchangeHandler extends ChannelInboundHandlerAdapter {
    private final CRC32 crc = new CRC32();
    private HttpRequest head;
    private long bodyBytes;
    private ByteStreamer streamer;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpRequest request) {
          if (request.decoderResult().isFailure()) {
            HttpResponse bad = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
            bad.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
            ctx.writeAndFlush(bad).addListener(ChannelFutureListener.CLOSE);
            head = null;
            return;
          }
          head = request;
          bodyBytes = 0;
          crc.reset();
        }
        if (msg instanceof HttpContent content && head != null) {
          ByteBuf buf = content.content();
          bodyBytes += buf.readableBytes();
          for (ByteBuffer nio : buf.nioBuffers()) {
            crc.update(nio);
          }
          if (content instanceof LastHttpContent) {
            onRequestComplete(ctx);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void onRequestComplete(ChannelHandlerContext ctx) {
      HttpRequest request = head;
      head = null;
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      for (Map.Entry<String, String> h : request.headers()) {
        headers.add(Map.entry(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
      }
      EchoedRequest echo =
          new EchoedRequest(name, request.method().name(), request.uri(), headers, bodyBytes, crc.getValue());
      received.add(echo);
      Map<String, List<String>> query = new QueryStringDecoder(request.uri()).parameters();
      if ("1".equals(first(query, "close"))) {
        ctx.close();
        return;
      }
      long delay = Long.parseLong(firstOr(query, "delay_ms", "0"));
      if (delay > 0) {
        ctx.executor().schedule(() -> respond(ctx, request, echo, query), delay, TimeUnit.MILLISECONDS);
      } else {
        respond(ctx, request, echo, query);
      }
    }

    private void respond(
        ChannelHandlerContext ctx, HttpRequest request, EchoedRequest echo, Map<String, List<String>> query) {
      if (!ctx.channel().isActive()) {
        return;
      }
      HttpResponseStatus status = HttpResponseStatus.valueOf(Integer.parseInt(firstOr(query, "status", "200")));
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      boolean chunked = "1".equals(first(query, "chunked"));
      boolean head = request.method().equals(HttpMethod.HEAD);
      int code = status.code();
      boolean bodyAllowed = code >= 200 && code != 204 && code != 304;

      HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
      HttpHeaders h = response.headers();
      h.set("x-backend", name);
      HttpUtil.setKeepAlive(response, keepAlive);
      for (String kv : query.getOrDefault("set-header", List.of())) {
        int colon = kv.indexOf(':');
        h.add(kv.substring(0, colon), kv.substring(colon + 1));
      }
      String bytesParam = first(query, "bytes");
      if (bytesParam != null) {
        long n = Long.parseLong(bytesParam);
        h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        if (chunked) {
          HttpUtil.setTransferEncodingChunked(response, true);
        } else {
          HttpUtil.setContentLength(response, n);
        }
        ctx.write(response);
        if (head || !bodyAllowed) {
          finish(ctx, keepAlive);
          return;
        }
        streamer = new ByteStreamer(n, keepAlive);
        streamer.pump(ctx);
        return;
      }
      byte[] body = bodyAllowed ? echo.render().getBytes(StandardCharsets.UTF_8) : new byte[0];
      if (bodyAllowed) {
        h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      }
      if (chunked && bodyAllowed) {
        HttpUtil.setTransferEncodingChunked(response, true);
        ctx.write(response);
        if (!head) {
          // Two chunks, so that the client sees real chunk boundaries.
          int half = body.length / 2;
          ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(body, 0, half)));
          ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(body, half, body.length - half)));
        }
        finish(ctx, keepAlive);
        return;
      }
      if (bodyAllowed) {
        HttpUtil.setContentLength(response, body.length);
      }
      ctx.write(response);
      if (!head && body.length > 0) {
        ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(body)));
      }
      finish(ctx, keepAlive);
    }

    private void finish(ChannelHandlerContext ctx, boolean keepAlive) {
      var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (streamer != null && ctx.channel().isWritable()) {
        streamer.pump(ctx);
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    /** Writes pattern bytes while the channel is writable; resumes on writability. */
    private final class ByteStreamer {
      private final long total;
      private final boolean keepAlive;
      private long offset;

      ByteStreamer(long total, boolean keepAlive) {
        this.total = total;
        this.keepAlive = keepAlive;
      }

      void pump(ChannelHandlerContext ctx) {
        while (offset < total && ctx.channel().isWritable()) {
          int n = (int) Math.min(CHUNK, total - offset);
          ByteBuf buf = ctx.alloc().buffer(n);
          // One bulk write per chunk: with paranoid leak detection every buffer access is recorded.
          buf.writeBytes(PATTERN, (int) (offset % 251), n);
          offset += n;
          ctx.write(new DefaultHttpContent(buf));
        }
        ctx.flush();
        if (offset >= total) {
          streamer = null;
          finish(ctx, keepAlive);
        }
      }
    }
  }

  private static String first(Map<String, List<String>> query, String key) {
    List<String> values = query.get(key);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static String firstOr(Map<String, List<String>> query, String key, String fallback) {
    String v = first(query, key);
    return v == null ? fallback : v;
  }
}
