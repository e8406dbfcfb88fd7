package dev.sluice.listener.http;

import dev.sluice.common.RandomSource;
import dev.sluice.config.CodecType;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.listener.filter.TerminalFilter;
import dev.sluice.listener.filter.TlsConnectionInfo;
import dev.sluice.routing.RouteTable;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.upstream.ClusterManager;
import dev.sluice.upstream.pool.UpstreamTransport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AsciiString;
import java.util.concurrent.TimeUnit;

/**
 * One filter chain's HTTP connection manager: builds each downstream connection's pipeline for
 * the configured codec (or the protocol ALPN agreed on) and holds the current route table, swapped
 * atomically on updates and read once per request.
 */
public final class HttpConnectionManager implements TerminalFilter {
  /** The immutable route state a request reads with one volatile load. */
  public record RouteSnapshot(HttpConnectionManagerConfig config, RouteTable table) {}

  /** Streams per HTTP/2 connection; Envoy allows 2^31-1, a bound keeps a single client from hoarding. */
  private static final int MAX_CONCURRENT_STREAMS = 1024;
  /** HTTP/2 stream receive window: large enough that a fast upload is not throttled by round trips. */
  private static final int INITIAL_STREAM_WINDOW = 1 << 20;
  /** An h2c upgrade request carries its body in the upgrade; Envoy caps buffered bodies the same way. */
  private static final int MAX_UPGRADE_BODY = 64 * 1024;
  private static final long HTTP2_GRACEFUL_CLOSE_MS = 30_000;

  private final HttpConnectionManagerStats stats;
  private final ClusterManager clusters;
  private final UpstreamTransport upstreamTransport;
  private final RandomSource random;
  private volatile RouteSnapshot routes;
  private volatile boolean draining;

  public HttpConnectionManager(
      HttpConnectionManagerConfig config,
      StatsRegistry statsRegistry,
      ClusterManager clusters,
      UpstreamTransport upstreamTransport,
      RandomSource random) {
    this.stats = new HttpConnectionManagerStats(statsRegistry, config.statPrefix());
    this.clusters = clusters;
    this.upstreamTransport = upstreamTransport;
    this.random = random;
    this.routes = new RouteSnapshot(config, RouteTable.compile(config.routeConfig()));
  }

  RouteSnapshot routes() {
    return routes;
  }

  /** Swaps in a new configuration; requests in flight finish on the table they started with. */
  public void update(HttpConnectionManagerConfig config) {
    if (!config.equals(routes.config())) {
      routes = new RouteSnapshot(config, RouteTable.compile(config.routeConfig()));
    }
  }

  public HttpConnectionManagerConfig config() {
    return routes.config();
  }

  HttpConnectionManagerStats stats() {
    return stats;
  }

  ClusterManager clusters() {
    return clusters;
  }

  UpstreamTransport upstreamTransport() {
    return upstreamTransport;
  }

  RandomSource random() {
    return random;
  }

  boolean isDraining() {
    return draining;
  }

  /** New connections are closed after their first request; existing ones close once idle. */
  @Override
  public void startDraining() {
    draining = true;
  }

  /** Sets up a plaintext connection's pipeline. */
  public void initChannel(Channel ch) {
    install(ch, null);
  }

  /**
   * Sets up a connection's pipeline. On TLS, ALPN decides as in Envoy: {@code h2} is HTTP/2 whatever
   * the codec; otherwise the configured codec, where AUTO takes {@code http/1.1} at its word and,
   * without ALPN, recognises the HTTP/2 preface. h2c upgrade is a plaintext mechanism and is not
   * offered over TLS.
   */
  @Override
  public void install(Channel ch, TlsConnectionInfo tls) {
    HttpConnectionManagerConfig config = routes.config();
    ChannelPipeline p = ch.pipeline();
    // HTTP/1.1 connections time out idling in their stream handler, which knows when a request is
    // in flight; HTTP/2 connections get an idle handler once the protocol is known.
    p.addLast("connection", new DownstreamConnectionHandler(stats));
    String alpn = tls == null ? null : tls.applicationProtocol();
    CodecType codec = config.codecType();
    if ("h2".equals(alpn)) {
      codec = CodecType.HTTP2;
    } else if ("http/1.1".equals(alpn) && codec == CodecType.AUTO) {
      codec = CodecType.HTTP1;
    }
    switch (codec) {
      case HTTP1 -> {
        stats.downstreamCxHttp1Total.inc();
        addHttp1(p, newHttp1Codec(config), tls);
      }
      case HTTP2 -> {
        stats.downstreamCxHttp2Total.inc();
        p.addBefore("connection", "idle", newIdleHandler(config));
        p.addLast("h2", newHttp2FrameCodec(config));
        p.addLast("h2-multiplex", newMultiplexer(tls));
      }
      case AUTO -> {
        HttpServerCodec http1Codec = newHttp1Codec(config);
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(http1Codec, protocol ->
            tls == null && AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                ? new Http2ServerUpgradeCodec(newHttp2FrameCodec(config), newMultiplexer(null))
                : null, MAX_UPGRADE_BODY);
        ChannelHandler priorKnowledge = new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            // The multiplexer looks for the frame codec when it is added, so the codec goes first.
            c.pipeline().replace(this, "h2", newHttp2FrameCodec(config));
            c.pipeline().addAfter("h2", "h2-multiplex", newMultiplexer(tls));
          }
        };
        p.addLast("cleartext", new CleartextHttp2ServerUpgradeHandler(http1Codec, upgrade, priorKnowledge));
        p.addLast("protocol-switch", new ProtocolSwitchHandler());
        p.addLast("stream", new HttpStreamHandler(this, false, tls));
      }
    }
  }

  private void addHttp1(ChannelPipeline p, HttpServerCodec codec, TlsConnectionInfo tls) {
    p.addLast("codec", codec);
    p.addLast("stream", new HttpStreamHandler(this, false, tls));
  }

  private static IdleStateHandler newIdleHandler(HttpConnectionManagerConfig config) {
    return new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS);
  }

  private static HttpServerCodec newHttp1Codec(HttpConnectionManagerConfig config) {
    int maxHeaderBytes = config.maxRequestHeadersKb() * 1024;
    return new HttpServerCodec(new HttpDecoderConfig()
        .setMaxInitialLineLength(maxHeaderBytes)
        .setMaxHeaderSize(maxHeaderBytes)
        .setMaxChunkSize(64 * 1024));
  }

  private static Http2FrameCodec newHttp2FrameCodec(HttpConnectionManagerConfig config) {
    return Http2FrameCodecBuilder.forServer()
        .initialSettings(Http2Settings.defaultSettings()
            .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
            .initialWindowSize(INITIAL_STREAM_WINDOW)
            .maxHeaderListSize(config.maxRequestHeadersKb() * 1024L))
        .gracefulShutdownTimeoutMillis(HTTP2_GRACEFUL_CLOSE_MS)
        .validateHeaders(true)
        .build();
  }

  /** Streams of one connection share its TLS facts, so XFCC is formatted once per connection. */
  private Http2MultiplexHandler newMultiplexer(TlsConnectionInfo tls) {
    return new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel stream) {
        stream.pipeline().addLast("h2-to-http", new Http2StreamFrameToHttpObjectCodec(true));
        stream.pipeline().addLast("stream", new HttpStreamHandler(HttpConnectionManager.this, true, tls));
      }
    });
  }

  /**
   * Settles the protocol of an AUTO connection. When it switches to HTTP/2 (prior knowledge or an
   * h2c upgrade) the HTTP/1.1 handlers go, and streams are served by the multiplexer's children.
   * When its first request is not an upgrade it stays HTTP/1.1, and the upgrade handler leaves the
   * pipeline so later requests skip it: clients offer h2c on a connection's first request.
   */
  private final class ProtocolSwitchHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof io.netty.handler.codec.http.HttpRequest request
          && !request.headers().contains(io.netty.handler.codec.http.HttpHeaderNames.UPGRADE)) {
        stats.downstreamCxHttp1Total.inc();
        ChannelPipeline p = ctx.pipeline();
        if (p.get(HttpServerUpgradeHandler.class) != null) {
          p.remove(HttpServerUpgradeHandler.class);
        }
        p.remove(this);
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof CleartextHttp2ServerUpgradeHandler.PriorKnowledgeUpgradeEvent
          || evt instanceof HttpServerUpgradeHandler.UpgradeEvent) {
        stats.downstreamCxHttp2Total.inc();
        ChannelPipeline p = ctx.pipeline();
        p.remove("stream");
        p.remove(this);
        p.addBefore("connection", "idle", newIdleHandler(routes.config()));
      }
      ctx.fireUserEventTriggered(evt);
    }
  }
}
