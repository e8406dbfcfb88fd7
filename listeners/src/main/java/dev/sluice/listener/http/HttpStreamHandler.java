package dev.sluice.listener.http;

import dev.sluice.config.ClusterConfig;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.listener.filter.TlsConnectionInfo;
import dev.sluice.routing.ClusterChoice;
import dev.sluice.routing.HeaderMutator;
import dev.sluice.routing.RouteEntry;
import dev.sluice.upstream.UpstreamCluster;
import dev.sluice.upstream.UpstreamEndpoint;
import dev.sluice.upstream.pool.ConnectCallback;
import dev.sluice.upstream.pool.Http1ConnectionPool;
import dev.sluice.upstream.pool.UpstreamConnection;
import dev.sluice.upstream.pool.UpstreamPools;
import dev.sluice.upstream.pool.UpstreamResponseListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP connection manager's work for one HTTP/1.1 connection (requests one after another,
 * pipelined ones queued and answered in order) or one HTTP/2 stream: route the request, pick an
 * endpoint, take a pooled upstream connection on this event loop, and stream the request and the
 * response through with backpressure. Everything here runs on the downstream channel's loop.
 */
final class HttpStreamHandler extends ChannelInboundHandlerAdapter implements UpstreamResponseListener {
  private static final Logger log = LoggerFactory.getLogger(HttpStreamHandler.class);

  /** Pipelined messages held while a response is in progress before reading stops. */
  private static final int MAX_QUEUED_MESSAGES = 64;
  /** Request body held while the upstream connection is being opened before reading stops. */
  private static final int MAX_PENDING_BODY_BYTES = 1 << 20;

  private final HttpConnectionManager hcm;
  private final boolean http2;
  private final String scheme;
  /** The connection's TLS facts, or null on plaintext. */
  private final TlsConnectionInfo tls;
  private final NettyRequestView view = new NettyRequestView();
  private final NettyMutableHeaders mutable = new NettyMutableHeaders();
  private final Runnable timerTask = this::onTimerFired;
  private final ArrayDeque<HttpObject> queued = new ArrayDeque<>(4);
  private ArrayDeque<HttpContent> pendingBody;
  private ChannelHandlerContext ctx;
  private String clientIp;
  private boolean draining;
  /** Inside a downstream read: upstream writes are flushed once, at the read's end. */
  private boolean reading;
  /** The pending timer task of this handler, reused across requests; null when none is scheduled. */
  private ScheduledFuture<?> timer;
  private long timerFiresAtNanos;
  /** HTTP/1.1 only: how long a connection may sit without a request (0: forever), and since when it has. */
  private long idleTimeoutNanos;
  private long idleSinceNanos;
  /** This loop's upstream pools, looked up once per handler rather than once per request. */
  private UpstreamPools pools;

  // State of the current exchange; reset by finishExchange().
  private int generation;
  private boolean active;
  private boolean requestComplete;
  private boolean discardingBody;
  private boolean responseStarted;
  private boolean responseComplete;
  private boolean keepAlive;
  private boolean headRequest;
  private HttpVersion downstreamVersion;
  private HttpRequest pendingHead;
  private int pendingBodyBytes;
  private RouteEntry route;
  private ClusterChoice choice;
  private UpstreamEndpoint endpoint;
  private UpstreamConnection upstream;
  private boolean upstreamRequestComplete;
  private boolean upstreamKeepAlive;
  private boolean skipInformational;
  private boolean upstreamPaused;
  private int status;
  /** When the current exchange's route timeout expires; 0 when no timeout runs. */
  private long deadlineNanos;

  HttpStreamHandler(HttpConnectionManager hcm, boolean http2, TlsConnectionInfo tls) {
    this.hcm = hcm;
    this.http2 = http2;
    this.tls = tls;
    this.scheme = tls == null ? "http" : "https";
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    Channel ch = ctx.channel();
    SocketAddress remote = (http2 && ch.parent() != null ? ch.parent() : ch).remoteAddress();
    clientIp = remote instanceof InetSocketAddress isa && isa.getAddress() != null
        ? isa.getAddress().getHostAddress()
        : String.valueOf(remote);
    draining = hcm.isDraining();
    if (!http2) {
      idleTimeoutNanos = hcm.routes().config().idleTimeout().toNanos();
      idleSinceNanos = now();
      if (ctx.channel().isRegistered()) {
        ensureTimer();
      }
    }
  }

  @Override
  public void channelRegistered(ChannelHandlerContext ctx) {
    if (!http2) {
      ensureTimer();
    }
    ctx.fireChannelRegistered();
  }

  // ---------------------------------------------------------------- downstream input

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject obj)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    reading = true;
    if (!queued.isEmpty() || !acceptsInput()) {
      // A pipelined request arrived while the previous response is still in progress.
      queued.add(obj);
      updateAutoRead();
      return;
    }
    onDownstream(obj);
  }

  /** True while input belongs to the current exchange or no exchange is in progress. */
  private boolean acceptsInput() {
    return !active || !requestComplete;
  }

  private void onDownstream(HttpObject obj) {
    if (obj instanceof HttpRequest request) {
      if (active) {
        // A new head before the previous request ended cannot happen with a sane codec.
        ReferenceCountUtil.release(obj);
        ctx.close();
        return;
      }
      onRequestHead(request);
    } else if (obj instanceof HttpContent content) {
      onRequestContent(content);
    } else {
      ReferenceCountUtil.release(obj);
    }
  }

  private void onRequestHead(HttpRequest request) {
    generation++;
    active = true;
    requestComplete = request instanceof LastHttpContent;
    responseStarted = false;
    responseComplete = false;
    discardingBody = false;
    upstreamRequestComplete = false;
    status = 0;
    headRequest = request.method() == HttpMethod.HEAD;
    downstreamVersion = request.protocolVersion();
    HttpConnectionManagerStats stats = hcm.stats();
    stats.downstreamRqTotal.inc();
    stats.downstreamRqActive.inc();
    (http2 ? stats.downstreamRqHttp2Total : stats.downstreamRqHttp1Total).inc();

    if (request.decoderResult().isFailure()) {
      keepAlive = false;
      Throwable cause = request.decoderResult().cause();
      ReferenceCountUtil.release(request);
      requestComplete = true;
      if (cause instanceof TooLongHttpHeaderException) {
        stats.downstreamRqHeaderTooLarge.inc();
        localReply(431, LocalReply.HEADERS_TOO_LARGE, HeaderMutator.none());
      } else if (cause instanceof TooLongHttpLineException) {
        stats.downstreamRqHeaderTooLarge.inc();
        localReply(414, LocalReply.URI_TOO_LONG, HeaderMutator.none());
      } else if (cause instanceof TooLongFrameException) {
        stats.downstreamRqTooLarge.inc();
        localReply(413, "Payload Too Large", HeaderMutator.none());
      } else {
        stats.downstreamRqBadRequest.inc();
        localReply(400, LocalReply.BAD_REQUEST, HeaderMutator.none());
      }
      return;
    }
    HttpHeaders headers = request.headers();
    keepAlive = http2 || (!draining && HttpUtil.isKeepAlive(request));
    if (!http2 && !RequestTargets.hasSupportedTransferCoding(headers)) {
      keepAlive = false; // the body cannot be decoded as sent, so nothing after it can be trusted
      rejectRequest(request, 501, null);
      return;
    }
    if (!http2 && headers.contains(HttpHeaderNames.EXPECT)) {
      // RFC 9110 section 10.1.1: answer 100-continue ourselves, as Envoy does by default, so the
      // client sends its body; any other expectation cannot be met.
      if (!HttpUtil.is100ContinueExpected(request)) {
        keepAlive = false;
        rejectRequest(request, 417, null);
        return;
      }
      ctx.writeAndFlush(LocalReply.continueResponse(), ctx.voidPromise());
      headers.remove(HttpHeaderNames.EXPECT);
    }
    if (!http2 && !RequestTargets.toOriginForm(request)) {
      stats.downstreamRqBadRequest.inc();
      rejectRequest(request, 400, LocalReply.BAD_REQUEST);
      return;
    }
    HttpConnectionManager.RouteSnapshot snapshot = hcm.routes();
    if (headers.size() > snapshot.config().maxHeadersCount()) {
      stats.downstreamRqHeaderTooLarge.inc();
      rejectRequest(request, 431, LocalReply.HEADERS_TOO_LARGE);
      return;
    }
    if (!http2 && downstreamVersion == HttpVersion.HTTP_1_1 && !hasExactlyOneHost(headers)) {
      // RFC 9112 section 3.2: a request without Host, or with more than one, is answered 400.
      stats.downstreamRqBadRequest.inc();
      rejectRequest(request, 400, LocalReply.BAD_REQUEST);
      return;
    }
    view.reset(request, scheme);
    RouteEntry matched = snapshot.table().route(view);
    if (matched == null) {
      stats.noRoute.inc();
      rejectRequest(request, 404, null);
      return;
    }
    route = matched;
    switch (matched.kind()) {
      case DIRECT_RESPONSE -> {
        stats.directResponse.inc();
        String body = matched.directBody();
        ReferenceCountUtil.release(request);
        localReply(matched.directStatus(), body, matched.responseMutator());
      }
      case REDIRECT -> {
        stats.redirect.inc();
        String location = matched.redirectLocation(view);
        ReferenceCountUtil.release(request);
        FullHttpResponse response = LocalReply.text(ctx.alloc(), matched.redirectCode(), null);
        response.headers().set(HttpHeaderNames.LOCATION, location);
        sendLocal(response, matched.responseMutator());
      }
      case FORWARD -> forward(request, matched, snapshot.config());
    }
  }

  private static boolean hasExactlyOneHost(HttpHeaders headers) {
    // An iterator rather than getAll(): no list and no String copies of the values.
    java.util.Iterator<? extends CharSequence> it = headers.valueCharSequenceIterator(HttpHeaderNames.HOST);
    if (!it.hasNext()) {
      return false;
    }
    it.next();
    return !it.hasNext();
  }

  private void rejectRequest(HttpRequest request, int code, String body) {
    ReferenceCountUtil.release(request);
    localReply(code, body, HeaderMutator.none());
  }

  private void forward(HttpRequest request, RouteEntry matched, HttpConnectionManagerConfig config) {
    HttpConnectionManagerStats stats = hcm.stats();
    ClusterChoice picked = matched.pickCluster(hcm.random().nextLong());
    choice = picked;
    UpstreamCluster cluster = hcm.clusters().get(picked.clusterName());
    if (cluster == null) {
      stats.noCluster.inc();
      rejectRequest(request, 503, LocalReply.CLUSTER_NOT_FOUND);
      return;
    }
    UpstreamEndpoint picked0 = cluster.pick(hcm.random());
    if (picked0 == null) {
      cluster.stats().upstreamCxNone.inc();
      stats.noHealthyUpstream.inc();
      rejectRequest(request, 503, LocalReply.NO_HEALTHY_UPSTREAM);
      return;
    }
    endpoint = picked0;
    prepareUpstreamRequest(request, matched, picked, picked0, config);
    picked0.requestStarted();
    if (requestComplete) {
      startTimer();
    }
    if (pools == null) {
      pools = UpstreamPools.current(ctx.channel().eventLoop(), hcm.upstreamTransport());
    }
    Http1ConnectionPool pool = pools.pool(picked0);
    UpstreamConnection connection = pool.acquireNow();
    pendingHead = request;
    if (connection != null) {
      attach(connection);
    } else {
      pool.connect(new PendingConnect(generation));
    }
  }

  private void prepareUpstreamRequest(
      HttpRequest request, RouteEntry matched, ClusterChoice picked, UpstreamEndpoint target,
      HttpConnectionManagerConfig config) {
    HttpHeaders h = request.headers();
    boolean chunked = HttpUtil.isTransferEncodingChunked(request);
    HopByHop.stripRequest(h, http2);
    // Body framing towards the HTTP/1.1 upstream.
    if (request instanceof FullHttpRequest full) {
      int length = full.content().readableBytes();
      if (length > 0 || h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, length);
      }
    } else if (chunked || (!h.contains(HttpHeaderNames.CONTENT_LENGTH) && http2 && !requestComplete)) {
      h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    String xff = h.get(Headers.X_FORWARDED_FOR);
    h.set(Headers.X_FORWARDED_FOR, xff == null ? clientIp : xff + ", " + clientIp);
    h.set(Headers.X_FORWARDED_PROTO, scheme);
    ForwardedClientCert.apply(h, config.forwardClientCert(), tls);
    if (config.generateRequestId() && !h.contains(Headers.X_REQUEST_ID)) {
      h.set(Headers.X_REQUEST_ID, RequestIds.next());
    }
    HeaderMutator mutator = picked.requestMutator();
    if (!mutator.isEmpty()) {
      mutator.apply(mutable.wrap(h));
    }
    String literal = matched.hostRewriteLiteral();
    if (literal != null) {
      h.set(HttpHeaderNames.HOST, literal);
    } else if (matched.autoHostRewrite()
        && target.cluster().config().type() == ClusterConfig.DiscoveryType.STRICT_DNS) {
      // Envoy rewrites to the endpoint's DNS name; STATIC endpoints have none.
      h.set(HttpHeaderNames.HOST, target.configured().host());
    }
    String uri = request.uri();
    String rewritten = matched.rewritePath(uri);
    if (rewritten != uri) {
      request.setUri(rewritten);
    }
  }

  private void onRequestContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (!active || discardingBody || responseComplete) {
      content.release();
      if (last && active) {
        requestComplete = true;
        if (responseComplete) {
          finishExchange();
        }
      }
      return;
    }
    if (last) {
      requestComplete = true;
    }
    if (upstream != null) {
      upstream.channel().write(content, upstream.channel().voidPromise());
      if (last) {
        upstreamRequestComplete = true;
        if (!reading) {
          upstream.channel().flush();
        }
      }
      updateAutoRead();
    } else if (endpoint != null) {
      if (pendingBody == null) {
        pendingBody = new ArrayDeque<>(4);
      }
      pendingBody.add(content);
      pendingBodyBytes += content.content().readableBytes();
      updateAutoRead();
    } else {
      content.release();
    }
    if (last && endpoint != null && !responseComplete) {
      startTimer();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reading = false;
    if (upstream != null) {
      upstream.channel().flush();
    }
  }

  // ---------------------------------------------------------------- upstream connection

  /** Connect outcome for one exchange; a late answer for an exchange that ended is discarded. */
  private final class PendingConnect implements ConnectCallback {
    private final int exchange;

    PendingConnect(int exchange) {
      this.exchange = exchange;
    }

    @Override
    public void onConnected(UpstreamConnection connection) {
      if (exchange != generation || !active || upstream != null || responseStarted) {
        connection.release(true);
        return;
      }
      attach(connection);
    }

    @Override
    public void onConnectFailed(Throwable cause) {
      if (exchange != generation || !active || responseStarted) {
        return;
      }
      log.debug("connect to {} failed: {}", endpoint, cause.toString());
      hcm.stats().upstreamConnectFailure.inc();
      failExchange(503, LocalReply.CONNECT_FAILURE);
    }
  }

  private void attach(UpstreamConnection connection) {
    upstream = connection;
    connection.bind(this);
    Channel up = connection.channel();
    HttpRequest head = pendingHead;
    pendingHead = null;
    boolean fullRequest = head instanceof FullHttpRequest;
    up.write(head, up.voidPromise());
    if (fullRequest) {
      upstreamRequestComplete = true;
    }
    if (pendingBody != null) {
      HttpContent c;
      while ((c = pendingBody.poll()) != null) {
        if (c instanceof LastHttpContent) {
          upstreamRequestComplete = true;
        }
        up.write(c, up.voidPromise());
      }
      pendingBodyBytes = 0;
    }
    if (!reading) {
      up.flush();
    }
    updateAutoRead();
  }

  @Override
  public void onUpstreamMessage(UpstreamConnection connection, HttpObject message) {
    if (connection != upstream) {
      ReferenceCountUtil.release(message);
      return;
    }
    if (message instanceof HttpResponse response) {
      onResponseHead(response);
      if (message instanceof HttpContent content && upstream == connection) {
        onResponseContent(content);
      }
    } else if (message instanceof HttpContent content) {
      onResponseContent(content);
    } else {
      ReferenceCountUtil.release(message);
    }
  }

  private void onResponseHead(HttpResponse response) {
    int code = response.status().code();
    if (response.decoderResult().isFailure()) {
      ReferenceCountUtil.release(response);
      upstreamFailed("invalid response from upstream: " + response.decoderResult().cause());
      return;
    }
    if (code < 200 && code != 101) {
      // An informational response (100 Continue, 103 Early Hints): Envoy answers Expect itself.
      skipInformational = true;
      ReferenceCountUtil.release(response);
      return;
    }
    status = code;
    endpoint.cluster().stats().responseStatus(code);
    upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    HttpHeaders h = response.headers();
    HopByHop.stripResponse(h);
    boolean bodyAllowed = !headRequest && code != 204 && code != 304;
    if (http2) {
      h.remove(HttpHeaderNames.TRANSFER_ENCODING);
    } else if (bodyAllowed
        && !h.contains(HttpHeaderNames.CONTENT_LENGTH)
        && !HttpUtil.isTransferEncodingChunked(response)) {
      if (downstreamVersion == HttpVersion.HTTP_1_0) {
        keepAlive = false; // HTTP/1.0 has no chunking: the close delimits the body.
      } else {
        h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
    }
    HeaderMutator mutator = choice.responseMutator();
    if (!mutator.isEmpty()) {
      mutator.apply(mutable.wrap(h));
    }
    if (!http2) {
      response.setProtocolVersion(HttpVersion.HTTP_1_1);
      setConnectionHeader(h);
    }
    responseStarted = true;
    hcm.stats().responseStatus(code);
    ctx.write(response, ctx.voidPromise());
  }

  private void onResponseContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (skipInformational) {
      content.release();
      if (last) {
        skipInformational = false;
      }
      return;
    }
    if (!responseStarted) {
      content.release();
      return;
    }
    if (last) {
      responseComplete = true;
      writeLastAndMaybeClose(content);
      onResponseComplete();
      return;
    }
    ctx.write(content, ctx.voidPromise());
    if (!ctx.channel().isWritable() && !upstreamPaused) {
      upstreamPaused = true;
      upstream.channel().config().setAutoRead(false);
    }
  }

  private void onResponseComplete() {
    cancelTimer();
    UpstreamConnection connection = upstream;
    boolean reusable = upstreamKeepAlive && upstreamRequestComplete;
    endUpstream(status < 500);
    if (connection != null) {
      upstreamPaused = false;
      connection.release(reusable);
    }
    if (requestComplete) {
      finishExchange();
    } else if (http2) {
      // The response is complete but the client is still sending: reset the rest of the stream.
      finishExchange();
      ctx.channel().close();
    } else {
      // Read and drop the rest of the request body, then go on with the next request.
      discardingBody = true;
      releasePending();
      updateAutoRead();
    }
  }

  @Override
  public void onUpstreamReadComplete(UpstreamConnection connection) {
    ctx.flush();
  }

  @Override
  public void onUpstreamClosed(UpstreamConnection connection, Throwable cause) {
    if (connection != upstream) {
      return;
    }
    upstream = null;
    upstreamFailed(cause == null ? "upstream closed the connection" : cause.toString());
  }

  private void upstreamFailed(String reason) {
    log.debug("{}: upstream {} failed: {}", ctx.channel(), endpoint, reason);
    hcm.stats().upstreamReset.inc();
    if (endpoint != null) {
      endpoint.cluster().stats().upstreamRqRxReset.inc();
    }
    failExchange(503, LocalReply.UPSTREAM_RESET);
  }

  /**
   * Gives up on the upstream side of the exchange: the connection is closed, never reused, and
   * the client gets {@code code} if no response head went out yet, or a cut stream otherwise.
   */
  private void failExchange(int code, String body) {
    UpstreamConnection connection = upstream;
    upstream = null;
    if (connection != null) {
      connection.abort();
    }
    endUpstream(false);
    releasePending();
    if (!responseStarted) {
      localReply(code, body, choiceResponseMutator());
    } else {
      abortDownstream();
    }
  }

  @Override
  public void onUpstreamWritabilityChanged(UpstreamConnection connection) {
    updateAutoRead();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && upstreamPaused) {
      upstreamPaused = false;
      if (upstream != null) {
        upstream.channel().config().setAutoRead(true);
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  // ---------------------------------------------------------------- timeouts and teardown

  /**
   * Arms the route timeout. One task per handler serves the route timeout and, on HTTP/1.1, the
   * connection idle timeout: finishing a request only clears the deadline, and the task, when it
   * fires, re-arms itself for whatever is due next. A keep-alive connection therefore schedules
   * about one task per timeout period, not one per request.
   */
  private void startTimer() {
    long ms = route == null ? 0 : route.timeoutMillis();
    if (ms <= 0 || deadlineNanos != 0) {
      return;
    }
    deadlineNanos = now() + TimeUnit.MILLISECONDS.toNanos(ms);
    ensureTimer();
  }

  /** When the timer must next wake: the route deadline while a request runs, else the idle expiry. */
  private long nextWakeNanos() {
    if (active) {
      return deadlineNanos;
    }
    return idleTimeoutNanos > 0 ? idleSinceNanos + idleTimeoutNanos : 0;
  }

  private void ensureTimer() {
    long wake = nextWakeNanos();
    if (wake == 0) {
      return;
    }
    if (timer != null) {
      if (timerFiresAtNanos <= wake) {
        return; // fires earlier and re-arms itself then
      }
      timer.cancel(false);
    }
    timerFiresAtNanos = wake;
    timer = ctx.executor().schedule(timerTask, Math.max(0, wake - now()), TimeUnit.NANOSECONDS);
  }

  /** The event loop's clock, which tests can advance. */
  private long now() {
    return ctx.executor().ticker().nanoTime();
  }

  private void cancelTimer() {
    deadlineNanos = 0;
  }

  private void onTimerFired() {
    timer = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    long now = now();
    if (active) {
      if (deadlineNanos != 0 && now >= deadlineNanos) {
        deadlineNanos = 0;
        onTimeout();
      }
    } else if (idleTimeoutNanos > 0 && now - idleSinceNanos >= idleTimeoutNanos) {
      hcm.stats().downstreamCxIdleTimeout.inc();
      ctx.close();
      return;
    }
    ensureTimer();
  }

  private void onTimeout() {
    if (!active || responseComplete || endpoint == null) {
      return;
    }
    hcm.stats().upstreamTimeout.inc();
    endpoint.requestTimedOut();
    failExchange(504, LocalReply.UPSTREAM_TIMEOUT);
  }

  /** Ends the upstream side's accounting once per exchange. */
  private void endUpstream(boolean success) {
    UpstreamEndpoint e = endpoint;
    if (e != null) {
      endpoint = null;
      e.requestFinished(success);
    }
  }

  private HeaderMutator choiceResponseMutator() {
    return choice == null ? HeaderMutator.none() : choice.responseMutator();
  }

  private void releasePending() {
    if (pendingHead != null) {
      ReferenceCountUtil.release(pendingHead);
      pendingHead = null;
    }
    if (pendingBody != null) {
      HttpContent c;
      while ((c = pendingBody.poll()) != null) {
        c.release();
      }
      pendingBodyBytes = 0;
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof DrainEvent) {
      draining = true;
      if (!http2) {
        if (!active) {
          hcm.stats().downstreamCxDrainClose.inc();
          ctx.close();
        } else {
          keepAlive = false;
        }
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (active) {
      if (!responseComplete) {
        hcm.stats().downstreamCxDestroyRemote.inc();
        hcm.stats().downstreamRqRxReset.inc();
      }
      cancelTimer();
      UpstreamConnection connection = upstream;
      upstream = null;
      if (connection != null) {
        connection.abort();
      }
      endUpstream(false);
      releasePending();
      active = false;
      hcm.stats().downstreamRqActive.dec();
    }
    HttpObject o;
    while ((o = queued.poll()) != null) {
      ReferenceCountUtil.release(o);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("{}: downstream error: {}", ctx.channel(), cause.toString());
    ctx.close();
  }

  // ---------------------------------------------------------------- replies and exchange end

  private void localReply(int code, String body, HeaderMutator mutator) {
    sendLocal(LocalReply.text(ctx.alloc(), code, body), mutator);
  }

  private void sendLocal(FullHttpResponse response, HeaderMutator mutator) {
    if (!mutator.isEmpty()) {
      mutator.apply(mutable.wrap(response.headers()));
    }
    if (!http2) {
      if (!requestComplete && downstreamVersion == HttpVersion.HTTP_1_0) {
        keepAlive = false;
      }
      setConnectionHeader(response.headers());
    }
    status = response.status().code();
    responseStarted = true;
    responseComplete = true;
    hcm.stats().responseStatus(status);
    writeLastAndMaybeClose(response);
    if (requestComplete) {
      finishExchange();
    } else if (http2) {
      finishExchange();
      ctx.channel().close();
    } else {
      discardingBody = true;
      updateAutoRead();
    }
  }

  private void setConnectionHeader(HttpHeaders h) {
    if (!keepAlive) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (downstreamVersion == HttpVersion.HTTP_1_0) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
  }

  private void writeLastAndMaybeClose(Object last) {
    if (!http2 && !keepAlive) {
      ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(last, ctx.voidPromise());
    }
  }

  private void finishExchange() {
    cancelTimer();
    active = false;
    view.reset(null, scheme); // an idle connection must not keep its last request's headers alive
    hcm.stats().downstreamRqActive.dec();
    route = null;
    choice = null;
    endpoint = null;
    upstream = null;
    upstreamPaused = false;
    discardingBody = false;
    skipInformational = false;
    if (http2 || !keepAlive) {
      return;
    }
    idleSinceNanos = now();
    ensureTimer();
    if (draining) {
      hcm.stats().downstreamCxDrainClose.inc();
      ctx.close();
      return;
    }
    HttpObject next;
    while (acceptsInput() && (next = queued.poll()) != null) {
      onDownstream(next);
    }
    updateAutoRead();
  }

  private void abortDownstream() {
    // Headers already went out: the only honest signal left is to cut the stream.
    finishExchange();
    ctx.channel().close();
  }

  /** Reads downstream only while the upstream can take more and queues are short. */
  private void updateAutoRead() {
    Channel ch = ctx.channel();
    boolean upstreamBlocked = upstream != null && !upstream.channel().isWritable() && !discardingBody;
    boolean want = !upstreamBlocked
        && queued.size() < MAX_QUEUED_MESSAGES
        && pendingBodyBytes < MAX_PENDING_BODY_BYTES;
    if (ch.config().isAutoRead() != want) {
      ch.config().setAutoRead(want);
    }
  }
}
