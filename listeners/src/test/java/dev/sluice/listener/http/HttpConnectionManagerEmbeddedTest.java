package dev.sluice.listener.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sluice.common.RandomSource;
import dev.sluice.config.CodecType;
import dev.sluice.config.HeaderMutations;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.RouteActionConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.RouteMatchConfig;
import dev.sluice.config.RouteRuleConfig;
import dev.sluice.config.VirtualHostConfig;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.upstream.ClusterManager;
import dev.sluice.upstream.lb.LbPolicyRegistry;
import dev.sluice.upstream.pool.UpstreamTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection manager's HTTP/1.1 pipeline on an embedded channel, for the paths that need no
 * upstream: local replies, request validation, pipelining order and fragmented input.
 */
class HttpConnectionManagerEmbeddedTest {
  private final StatsRegistry stats = new StatsRegistry();
  private final ClusterManager clusters = new ClusterManager(stats, LbPolicyRegistry.builtIn());

  @AfterEach
  void close() {
    clusters.close();
  }

  private EmbeddedChannel channel() {
    return channel(HttpConnectionManagerConfig.DEFAULT_IDLE_TIMEOUT);
  }

  private EmbeddedChannel channel(java.time.Duration idleTimeout) {
    RouteRuleConfig hello = new RouteRuleConfig("hello", RouteMatchConfig.prefix("/hello"),
        new RouteActionConfig.DirectResponse(200, "hi"), HeaderMutations.NONE);
    RouteRuleConfig gone = new RouteRuleConfig("gone", RouteMatchConfig.prefix("/gone"),
        new RouteActionConfig.DirectResponse(410, "gone"), HeaderMutations.NONE);
    RouteRuleConfig old = new RouteRuleConfig("old", RouteMatchConfig.prefix("/old"),
        new RouteActionConfig.Redirect(null, null, 0, null, "/new", 301, false), HeaderMutations.NONE);
    RouteRuleConfig missing = new RouteRuleConfig("missing", RouteMatchConfig.prefix("/missing"),
        RouteActionConfig.Forward.to("nowhere"), HeaderMutations.NONE);
    RouteConfig routes = new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("*"),
        List.of(hello, gone, old, missing), HeaderMutations.NONE)), HeaderMutations.NONE);
    HttpConnectionManagerConfig defaults = HttpConnectionManagerConfig.withDefaults("test", CodecType.HTTP1, routes);
    HttpConnectionManagerConfig config = new HttpConnectionManagerConfig(defaults.statPrefix(), defaults.codecType(),
        routes, defaults.maxRequestHeadersKb(), defaults.maxHeadersCount(), idleTimeout,
        defaults.streamIdleTimeout(), defaults.requestTimeout(), true, defaults.forwardClientCert());
    HttpConnectionManager hcm = new HttpConnectionManager(config, stats, clusters,
        new UpstreamTransport(NioSocketChannel.class), RandomSource.seeded(1));
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    hcm.initChannel(ch);
    return ch;
  }

  private static String readAll(EmbeddedChannel ch) {
    StringBuilder b = new StringBuilder();
    ByteBuf buf;
    while ((buf = ch.readOutbound()) != null) {
      b.append(buf.toString(StandardCharsets.ISO_8859_1));
      buf.release();
    }
    return b.toString();
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  @Test
  void directResponseAndNoRoute() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"));
    String out = readAll(ch);
    assertThat(out).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhi");
    ch.writeInbound(ascii("GET /nothing HTTP/1.1\r\nHost: a\r\n\r\n"));
    assertThat(readAll(ch)).startsWith("HTTP/1.1 404 Not Found\r\n").contains("content-length: 0");
    assertThat(ch.isOpen()).isTrue();
    assertThat(stats.counterValues()).containsEntry("http.test.no_route", 1L)
        .containsEntry("http.test.downstream_rq_2xx", 1L)
        .containsEntry("http.test.downstream_rq_4xx", 1L);
    assertFalse(ch.finish());
  }

  @Test
  void fragmentedRequestIsReassembled() {
    EmbeddedChannel ch = channel();
    String request = "GET /hello HTTP/1.1\r\nHost: a\r\nX-Long: " + "x".repeat(300) + "\r\n\r\n";
    for (int i = 0; i < request.length(); i += 7) {
      ch.writeInbound(ascii(request.substring(i, Math.min(request.length(), i + 7))));
    }
    assertThat(readAll(ch)).startsWith("HTTP/1.1 200 OK");
    assertFalse(ch.finish());
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("GET /gone HTTP/1.1\r\nHost: a\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n"
        + "GET /old/x HTTP/1.1\r\nHost: a\r\n\r\n"));
    String out = readAll(ch);
    int first = out.indexOf("HTTP/1.1 410");
    int second = out.indexOf("HTTP/1.1 200");
    int third = out.indexOf("HTTP/1.1 301");
    assertThat(first).isGreaterThanOrEqualTo(0);
    assertThat(second).isGreaterThan(first);
    assertThat(third).isGreaterThan(second);
    assertThat(out).contains("location: http://a/new/x");
    assertFalse(ch.finish());
  }

  @Test
  void missingOrRepeatedHostIsABadRequest() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("GET /hello HTTP/1.1\r\n\r\n"));
    assertThat(readAll(ch)).startsWith("HTTP/1.1 400 Bad Request");
    EmbeddedChannel ch2 = channel();
    ch2.writeInbound(ascii("GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
    assertThat(readAll(ch2)).startsWith("HTTP/1.1 400 Bad Request");
    assertThat(stats.counterValues()).containsEntry("http.test.downstream_rq_bad_request", 2L);
    ch.finishAndReleaseAll();
    ch2.finishAndReleaseAll();
  }

  @Test
  void http10WithoutHostIsServedAndClosed() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("GET /hello HTTP/1.0\r\n\r\n"));
    String out = readAll(ch);
    assertThat(out).startsWith("HTTP/1.1 200 OK").contains("connection: close");
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void tooManyHeadersGive431() {
    EmbeddedChannel ch = channel();
    StringBuilder r = new StringBuilder("GET /hello HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < 100; i++) {
      r.append("x-h").append(i).append(": v\r\n");
    }
    ch.writeInbound(ascii(r.append("\r\n").toString()));
    assertThat(readAll(ch)).startsWith("HTTP/1.1 431 Request Header Fields Too Large");
    ch.finishAndReleaseAll();
  }

  @Test
  void oversizedHeadersGive431AndClose() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("GET /hello HTTP/1.1\r\nHost: a\r\nX-Big: " + "y".repeat(61 * 1024) + "\r\n\r\n"));
    assertThat(readAll(ch)).startsWith("HTTP/1.1 431 Request Header Fields Too Large").contains("connection: close");
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void garbageRequestLineGives400() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("NOT A REQUEST\r\n\r\n"));
    assertThat(readAll(ch)).startsWith("HTTP/1.1 400 Bad Request");
    ch.finishAndReleaseAll();
  }

  @Test
  void idleConnectionIsClosedAfterTheIdleTimeoutButNotBefore() {
    EmbeddedChannel ch = channel(java.time.Duration.ofSeconds(10));
    ch.advanceTimeBy(6, java.util.concurrent.TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    ch.writeInbound(ascii("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"));
    assertThat(readAll(ch)).startsWith("HTTP/1.1 200");
    // The request reset the idle clock: 6 s after it the connection is still open.
    ch.advanceTimeBy(6, java.util.concurrent.TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    ch.advanceTimeBy(5, java.util.concurrent.TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    assertThat(stats.counterValues()).containsEntry("http.test.downstream_cx_idle_timeout", 1L);
    ch.finishAndReleaseAll();
  }

  @Test
  void expectContinueIsAnsweredAndOtherExpectationsRefused() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("POST /hello HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
    // The interim response first, then the direct response, which needs no body.
    assertThat(readAll(ch)).startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK");
    ch.writeInbound(ascii("okGET /hello HTTP/1.1\r\nHost: a\r\n\r\n"));
    assertThat(readAll(ch)).startsWith("HTTP/1.1 200 OK").doesNotContain("100 Continue");
    EmbeddedChannel ch2 = channel();
    ch2.writeInbound(ascii("POST /hello HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\nContent-Length: 0\r\n\r\n"));
    assertThat(readAll(ch2)).startsWith("HTTP/1.1 417 Expectation Failed");
    assertFalse(ch.finish());
    ch2.finishAndReleaseAll();
  }

  @Test
  void unknownClusterGives503() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("GET /missing HTTP/1.1\r\nHost: a\r\n\r\n"));
    assertThat(readAll(ch)).startsWith("HTTP/1.1 503 Service Unavailable").endsWith("cluster not found");
    assertThat(stats.counterValues()).containsEntry("http.test.no_cluster", 1L);
    assertFalse(ch.finish());
  }

  @Test
  void localReplyToAPostDiscardsTheBodyAndKeepsTheConnection() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(ascii("POST /gone HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
    assertThat(readAll(ch)).startsWith("HTTP/1.1 410");
    ch.writeInbound(ascii("5\r\nworld\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n"));
    assertThat(readAll(ch)).startsWith("HTTP/1.1 200 OK");
    assertThat(ch.isOpen()).isTrue();
    assertFalse(ch.finish());
  }
}
