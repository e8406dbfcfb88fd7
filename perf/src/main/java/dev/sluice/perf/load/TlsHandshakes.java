package dev.sluice.perf.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.internal.tcnative.SSL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * A TLS handshake load in the manner of {@code wrk -H 'Connection: close'}, but able to resume:
 * {@code C} slots, each connecting, handshaking, sending one request with
 * {@code Connection: close}, reading the response, closing, and starting over. With resumption on,
 * every handshake of a slot offers the session ticket the previous one received, so after each
 * slot's first (full) handshake the server can resume; whether it did is read from the client's
 * TLS library for every handshake and reported, so a server that silently falls back to full
 * handshakes shows up as a low {@code resumed_pct} rather than as a slow server.
 *
 * <p>The client is BoringSSL through netty-tcnative (so the client's own cost per handshake stays
 * small: it shares a CPU with the backend), TLS 1.3 only, no ALPN (wrk offers none either), and it
 * trusts any certificate: the server's certificate is checked by none of the load tools.
 *
 * <p>Sessions: Netty's client session cache keeps one session per host and port and, as TLS 1.3
 * asks (RFC 8446 appendix C.4), uses a ticket once. Slots sharing one key would race for that one
 * ticket and many would handshake in full, so each slot uses its own key: an IP-literal peer host
 * ({@code 127.1.x.y}) that only names the cache entry (an IP literal is never sent as SNI); the
 * connection itself goes to the given host.
 */
public final class TlsHandshakes {
  private static final String CLIENT_SESSION_CACHE = "io.netty.handler.ssl.openssl.sessionCacheClient";

  /** Counts of a run: measured-window figures, plus totals over warm-up and window for CPU ratios. */
  public record Result(long handshakes, long resumed, long responses, long non2xx, long errors, double seconds,
      long handshakesTotal, long responsesTotal, String protocol, String cipher) {
    public String summaryLine() {
      return String.format(Locale.ROOT,
          "handshakes=%d resumed=%d full=%d hs_per_s=%.1f resumed_pct=%.2f responses=%d non2xx=%d errors=%d "
              + "seconds=%.3f handshakes_total=%d responses_total=%d protocol=%s cipher=%s",
          handshakes, resumed, handshakes - resumed, handshakes / Math.max(seconds, 1e-9),
          handshakes == 0 ? 0.0 : 100.0 * resumed / handshakes, responses, non2xx, errors, seconds,
          handshakesTotal, responsesTotal, protocol, cipher);
    }
  }

  private final String host;
  private final int port;
  private final boolean resume;
  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final SslContext sslContext;
  private final ByteBuf requestBytes;
  private final ByteBuf request;
  private final Slot[] slots;
  private final CountDownLatch stopped;

  // Written on the event loop only; read after it has stopped.
  private boolean measuring;
  private boolean stopping;
  private long measureStart;
  private long measureEnd;
  private long handshakes;
  private long resumed;
  private long responses;
  private long non2xx;
  private long errors;
  private long handshakesTotal;
  private long responsesTotal;
  private String protocol = "-";
  private String cipher = "-";

  private TlsHandshakes(String host, int port, String path, String hostHeader, int connections, boolean resume,
      EventLoopGroup group, NettyTransport transport) throws SSLException {
    this.host = host;
    this.port = port;
    this.resume = resume;
    this.loop = group.next();
    this.bootstrap = new Bootstrap().group(loop).channel(transport.channelClass())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000);
    this.sslContext = SslContextBuilder.forClient()
        .sslProvider(SslProvider.OPENSSL)
        .protocols("TLSv1.3")
        .trustManager(InsecureTrustManagerFactory.INSTANCE)
        .endpointIdentificationAlgorithm(null)
        // The groups OpenSSL 3.0's clients (wrk, h2load) offer first, one key share (X25519).
        // BoringSSL's own default would add a post-quantum hybrid share, whose key generation
        // cost the client about half its rate here (2.2k against 3.9k-5.0k resumed handshakes/s).
        .option(OpenSslContextOption.GROUPS, new String[] {"X25519", "P-256"})
        .build();
    byte[] bytes = ("GET " + path + " HTTP/1.1\r\nHost: " + (hostHeader != null ? hostHeader : host + ":" + port)
        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    this.requestBytes = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    this.request = Unpooled.unreleasableBuffer(requestBytes);
    this.slots = new Slot[connections];
    for (int i = 0; i < connections; i++) {
      slots[i] = new Slot("127.1." + (i / 250) + "." + (1 + i % 250));
    }
    this.stopped = new CountDownLatch(connections);
  }

  /**
   * Runs the load: {@code warmup} first (each slot's first, full handshake falls in it), then
   * counts for {@code duration}, then lets every slot finish its connection and stop.
   */
  public static Result run(String host, int port, String path, String hostHeader, int connections, Duration duration,
      Duration warmup, boolean resume) throws Exception {
    // Read once by Netty when its first OpenSSL client context is built.
    System.setProperty(CLIENT_SESSION_CACHE, "true");
    if (!OpenSsl.isAvailable()) {
      throw new IllegalStateException("netty-tcnative (BoringSSL) is not available", OpenSsl.unavailabilityCause());
    }
    NettyTransport transport = NettyTransport.best();
    EventLoopGroup group = transport.newGroup(1);
    TlsHandshakes load = new TlsHandshakes(host, port, path, hostHeader, connections, resume, group, transport);
    try {
      load.loop.execute(() -> {
        for (Slot s : load.slots) {
          s.connect();
        }
      });
      load.loop.schedule(() -> {
        load.measuring = true;
        load.measureStart = System.nanoTime();
      }, warmup.toNanos(), TimeUnit.NANOSECONDS);
      load.loop.schedule(() -> {
        load.measuring = false;
        load.measureEnd = System.nanoTime();
        load.stopping = true;
      }, warmup.plus(duration).toNanos(), TimeUnit.NANOSECONDS);
      long bound = warmup.plus(duration).plusSeconds(15).toMillis();
      if (!load.stopped.await(bound, TimeUnit.MILLISECONDS)) {
        load.loop.submit(() -> {
          for (Slot s : load.slots) {
            if (s.channel != null) {
              s.channel.close();
            }
          }
        }).sync();
      }
      Result[] out = new Result[1];
      load.loop.submit(() -> out[0] = new Result(load.handshakes, load.resumed, load.responses, load.non2xx,
          load.errors, (load.measureEnd - load.measureStart) / 1e9, load.handshakesTotal, load.responsesTotal,
          load.protocol, load.cipher)).sync();
      return out[0];
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      load.requestBytes.release();
    }
  }

  /** One connection after another; its own session-cache key. */
  private final class Slot extends ChannelInboundHandlerAdapter {
    private final String sessionKey;
    private final ResponseParser parser = new ResponseParser();
    private Channel channel;
    private boolean answered;
    private boolean finished;

    Slot(String sessionKey) {
      this.sessionKey = sessionKey;
    }

    @Override
    public boolean isSharable() {
      return true; // one connection at a time
    }

    void connect() {
      if (stopping) {
        if (!finished) {
          finished = true;
          stopped.countDown();
        }
        return;
      }
      answered = false;
      parser.reset();
      SslHandler ssl = resume
          ? sslContext.newHandler(ByteBufAllocator.DEFAULT, sessionKey, port)
          : sslContext.newHandler(ByteBufAllocator.DEFAULT);
      if (resume && ssl.engine() instanceof ReferenceCountedOpenSslEngine engine) {
        // Netty's client contexts set SSL_OP_NO_TICKET; BoringSSL then neither keeps TLS 1.3
        // tickets nor offers them.
        SSL.clearOptions(engine.sslPointer(), SSL.SSL_OP_NO_TICKET);
      }
      bootstrap.clone().handler(new ChannelInitializer<Channel>() {
        @Override
        protected void initChannel(Channel ch) {
          ch.pipeline().addLast(ssl, Slot.this);
        }
      }).connect(host, port).addListener((ChannelFuture f) -> {
        if (f.isSuccess()) {
          channel = f.channel();
        } else {
          errors++;
          // Retry after a moment: a refused connection would otherwise spin.
          loop.schedule(this::connect, 10, TimeUnit.MILLISECONDS);
        }
      });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent done) {
        if (!done.isSuccess()) {
          ctx.close();
          return;
        }
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        boolean reused = ssl.engine() instanceof ReferenceCountedOpenSslEngine engine
            && SSL.isSessionReused(engine.sslPointer());
        handshakesTotal++;
        if (measuring) {
          handshakes++;
          if (reused) {
            resumed++;
          }
        }
        if ("-".equals(protocol)) {
          SSLSession session = ssl.engine().getSession();
          protocol = session.getProtocol();
          cipher = session.getCipherSuite();
        }
        ctx.writeAndFlush(request.duplicate(), ctx.voidPromise());
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        if (!answered) {
          int status = parser.parse(in);
          if (status != ResponseParser.INCOMPLETE) {
            answered = true;
            responsesTotal++;
            if (measuring) {
              responses++;
              if (status < 200 || status > 299) {
                non2xx++;
              }
            }
            // As wrk does on a "Connection: close" exchange: close as soon as the response is in.
            ctx.close();
          }
        }
      } catch (IllegalStateException e) {
        ctx.close();
      } finally {
        in.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      channel = null;
      if (answered) {
        connect();
        return;
      }
      if (measuring) {
        errors++;
      }
      // A failed handshake or exchange: try again after a moment rather than spin.
      loop.schedule(this::connect, 1, TimeUnit.MILLISECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
