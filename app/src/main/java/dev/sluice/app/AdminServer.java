package dev.sluice.app;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.listener.BoundListener;
import dev.sluice.upstream.UpstreamCluster;
import dev.sluice.upstream.UpstreamEndpoint;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin interface: the part of Envoy's admin contract that supervisors and operators read
 * ({@code /ready}, {@code /stats}, {@code /stats/prometheus}, {@code /config_dump},
 * {@code /clusters}, {@code /listeners}, {@code /server_info}, and the POST endpoints that drain,
 * fail health checks and quit). It runs on its own thread so that a slow scrape never touches a
 * worker.
 */
final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final String TEXT = "text/plain; charset=UTF-8";
  private static final String JSON = "application/json";

  private final SluiceServer server;
  private final EventLoopGroup group;
  private final Channel channel;

  private AdminServer(SluiceServer server, EventLoopGroup group, Channel channel) {
    this.server = server;
    this.group = group;
    this.channel = channel;
  }

  static AdminServer start(SluiceServer server, SocketAddressConfig address) throws InterruptedException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("sluice-admin", true),
        NioIoHandler.newFactory());
    AdminServer[] self = new AdminServer[1];
    try {
      Channel ch = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel c) {
              c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                  new Handler(self[0]));
            }
          })
          .bind(new InetSocketAddress(address.host(), address.port()))
          .sync()
          .channel();
      self[0] = new AdminServer(server, group, ch);
      log.info("admin listening on {}", ch.localAddress());
      return self[0];
    } catch (InterruptedException | RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** A response to write: status, content type and body. */
  private record Reply(int status, String contentType, String body) {
    static Reply text(int status, String body) {
      return new Reply(status, TEXT, body);
    }

    static Reply json(String body) {
      return new Reply(200, JSON, body);
    }
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final AdminServer admin;

    Handler(AdminServer admin) {
      this.admin = admin;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      Reply reply;
      try {
        reply = admin.dispatch(request.method(), new QueryStringDecoder(request.uri()));
      } catch (RuntimeException e) {
        log.warn("admin request {} failed", request.uri(), e);
        reply = Reply.text(500, "error: " + e.getMessage() + "\n");
      }
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.valueOf(reply.status()), ByteBufUtil.writeUtf8(ctx.alloc(), reply.body()));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, max-age=0");
      response.headers().set("x-content-type-options", "nosniff");
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (!keepAlive) {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.writeAndFlush(response);
      }
    }
  }

  Reply dispatch(HttpMethod method, QueryStringDecoder uri) {
    String path = uri.path();
    Map<String, List<String>> params = uri.parameters();
    return switch (path) {
      case "/" -> Reply.text(200, help());
      case "/ready" -> ready();
      case "/stats" -> stats(params);
      case "/stats/prometheus" -> prometheus();
      case "/config_dump" -> Reply.json(configDump());
      case "/clusters" -> params.containsKey("format") && "json".equals(first(params, "format"))
          ? Reply.json(clustersJson())
          : Reply.text(200, clustersText());
      case "/listeners" -> params.containsKey("format") && "json".equals(first(params, "format"))
          ? Reply.json(listenersJson())
          : Reply.text(200, listenersText());
      case "/server_info" -> Reply.json(serverInfo());
      case "/certs" -> Reply.json(CertificateReport.json(server.tlsContexts(), Instant.now()));
      case "/drain_listeners" -> requirePost(method, () -> {
        server.drainListeners(params.containsKey("graceful"), params.containsKey("inboundonly"));
        return Reply.text(200, "OK\n");
      });
      case "/healthcheck/fail" -> requirePost(method, () -> {
        server.failHealthCheck(true);
        return Reply.text(200, "OK\n");
      });
      case "/healthcheck/ok" -> requirePost(method, () -> {
        server.failHealthCheck(false);
        return Reply.text(200, "OK\n");
      });
      case "/quitquitquit" -> requirePost(method, () -> {
        log.info("exit requested through the admin interface");
        Thread exit = new Thread(() -> {
          server.close();
          System.exit(0);
        }, "sluice-quit");
        exit.start();
        return Reply.text(200, "OK\n");
      });
      default -> Reply.text(404, "invalid path: " + path + "\n" + help());
    };
  }

  private static Reply requirePost(HttpMethod method, java.util.function.Supplier<Reply> action) {
    if (method != HttpMethod.POST) {
      return Reply.text(405, "This endpoint requires POST.\n");
    }
    return action.get();
  }

  private static String first(Map<String, List<String>> params, String name) {
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? "" : v.get(0);
  }

  private static String help() {
    return String.join("\n",
        "admin commands are:",
        "  /: this help",
        "  /clusters: upstream cluster status (?format=json)",
        "  /config_dump: the active configuration",
        "  /drain_listeners (POST): drain listeners (?graceful, ?inboundonly)",
        "  /healthcheck/fail (POST): report failing health; /ready then answers 503",
        "  /healthcheck/ok (POST): report passing health",
        "  /listeners: listeners and their bound addresses (?format=json)",
        "  /certs: the certificate each TLS context presents, its SANs and expiry, what it still waits for",
        "  /quitquitquit (POST): exit the server",
        "  /ready: 200 when the server is live",
        "  /server_info: version, state, uptime, command line",
        "  /stats: counters and gauges (?filter=REGEX, ?format=json|prometheus, ?usedonly)",
        "  /stats/prometheus: stats in Prometheus text format",
        "");
  }

  private Reply ready() {
    ServerState s = server.effectiveState();
    return Reply.text(s == ServerState.LIVE ? 200 : 503, s.name() + "\n");
  }

  private Reply prometheus() {
    server.refreshComputedStats();
    return new Reply(200, "text/plain; version=0.0.4; charset=UTF-8",
        PrometheusFormat.render(server.stats().counterValues(), server.stats().gaugeValues()));
  }

  private Reply stats(Map<String, List<String>> params) {
    server.refreshComputedStats();
    SortedMap<String, Long> counters = server.stats().counterValues();
    SortedMap<String, Long> gauges = server.stats().gaugeValues();
    if (params.containsKey("filter")) {
      Pattern filter;
      try {
        filter = Pattern.compile(first(params, "filter"));
      } catch (PatternSyntaxException e) {
        return Reply.text(400, "invalid filter regex: " + e.getMessage() + "\n");
      }
      counters.keySet().removeIf(k -> !filter.matcher(k).find());
      gauges.keySet().removeIf(k -> !filter.matcher(k).find());
    }
    if (params.containsKey("usedonly")) {
      counters.values().removeIf(v -> v == 0);
    }
    String format = first(params, "format");
    if (format.equals("prometheus")) {
      return new Reply(200, TEXT, PrometheusFormat.render(counters, gauges));
    }
    SortedMap<String, Long> all = new TreeMap<>(counters);
    all.putAll(gauges);
    if (format.equals("json")) {
      StringBuilder b = new StringBuilder("{\"stats\":[");
      boolean firstEntry = true;
      for (Map.Entry<String, Long> e : all.entrySet()) {
        b.append(firstEntry ? "" : ",").append("{\"name\":").append(Json.quote(e.getKey()))
            .append(",\"value\":").append(e.getValue()).append('}');
        firstEntry = false;
      }
      return Reply.json(b.append("]}").toString());
    }
    StringBuilder b = new StringBuilder(8192);
    all.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
    return Reply.text(200, b.toString());
  }

  private String configDump() {
    return server.configDump();
  }

  private String clustersText() {
    StringBuilder b = new StringBuilder();
    for (UpstreamCluster c : sortedClusters()) {
      String n = c.name();
      b.append(n).append("::observability_name::").append(n).append('\n');
      b.append(n).append("::added_via_api::false\n");
      for (UpstreamEndpoint e : c.endpoints()) {
        String host = n + "::" + hostPort(e) + "::";
        b.append(host).append("cx_active::").append(0).append('\n');
        b.append(host).append("cx_connect_fail::").append(e.connectFailures()).append('\n');
        b.append(host).append("cx_total::").append(e.connectionsTotal()).append('\n');
        b.append(host).append("rq_active::").append(e.activeRequests()).append('\n');
        b.append(host).append("rq_error::").append(e.requestsError()).append('\n');
        b.append(host).append("rq_success::").append(e.requestsSuccess()).append('\n');
        b.append(host).append("rq_timeout::").append(e.requestTimeouts()).append('\n');
        b.append(host).append("rq_total::").append(e.requestsTotal()).append('\n');
        b.append(host).append("hostname::").append(e.configured().host()).append('\n');
        b.append(host).append("health_flags::healthy\n");
        b.append(host).append("weight::").append(e.weight()).append('\n');
      }
    }
    return b.toString();
  }

  private String clustersJson() {
    StringBuilder b = new StringBuilder("{\"cluster_statuses\":[");
    boolean firstCluster = true;
    for (UpstreamCluster c : sortedClusters()) {
      b.append(firstCluster ? "" : ",").append("{\"name\":").append(Json.quote(c.name()))
          .append(",\"added_via_api\":false,\"host_statuses\":[");
      firstCluster = false;
      boolean firstHost = true;
      for (UpstreamEndpoint e : c.endpoints()) {
        b.append(firstHost ? "" : ",")
            .append("{\"address\":{\"socket_address\":{\"address\":")
            .append(Json.quote(e.address().getAddress().getHostAddress()))
            .append(",\"port_value\":").append(e.address().getPort()).append("}},")
            .append("\"stats\":[")
            .append(stat("cx_connect_fail", e.connectFailures())).append(',')
            .append(stat("cx_total", e.connectionsTotal())).append(',')
            .append(stat("rq_error", e.requestsError())).append(',')
            .append(stat("rq_success", e.requestsSuccess())).append(',')
            .append(stat("rq_timeout", e.requestTimeouts())).append(',')
            .append(stat("rq_total", e.requestsTotal())).append(',')
            .append("{\"type\":\"GAUGE\",\"name\":\"rq_active\",\"value\":\"").append(e.activeRequests())
            .append("\"}],")
            .append("\"health_status\":{\"eds_health_status\":\"HEALTHY\"},")
            .append("\"weight\":").append(e.weight()).append(",\"hostname\":")
            .append(Json.quote(e.configured().host())).append('}');
        firstHost = false;
      }
      b.append("]}");
    }
    return b.append("]}").toString();
  }

  private static String stat(String name, long value) {
    return "{\"name\":\"" + name + "\",\"value\":\"" + value + "\"}";
  }

  private static String hostPort(UpstreamEndpoint e) {
    String ip = e.address().getAddress().getHostAddress();
    return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + e.address().getPort();
  }

  private List<UpstreamCluster> sortedClusters() {
    return server.clusters().clusters().stream()
        .sorted(java.util.Comparator.comparing(UpstreamCluster::name))
        .toList();
  }

  private String listenersText() {
    StringBuilder b = new StringBuilder();
    for (BoundListener l : server.listeners()) {
      InetSocketAddress a = l.localAddress();
      b.append(l.name()).append("::").append(a.getAddress().getHostAddress()).append(':').append(a.getPort())
          .append('\n');
    }
    return b.toString();
  }

  private String listenersJson() {
    StringBuilder b = new StringBuilder("{\"listener_statuses\":[");
    boolean firstListener = true;
    for (BoundListener l : server.listeners()) {
      InetSocketAddress a = l.localAddress();
      b.append(firstListener ? "" : ",").append("{\"name\":").append(Json.quote(l.name()))
          .append(",\"local_address\":{\"socket_address\":{\"address\":")
          .append(Json.quote(a.getAddress().getHostAddress())).append(",\"port_value\":").append(a.getPort())
          .append("}}}");
      firstListener = false;
    }
    return b.append("]}").toString();
  }

  private String serverInfo() {
    Duration up = Duration.between(server.startedAt(), Instant.now());
    StringBuilder cmd = new StringBuilder("{");
    boolean firstOption = true;
    for (Map.Entry<String, Object> e : new TreeMap<>(server.options().commandLine()).entrySet()) {
      cmd.append(firstOption ? "" : ",").append(Json.quote(e.getKey())).append(':').append(Json.value(e.getValue()));
      firstOption = false;
    }
    cmd.append('}');
    var node = server.bootstrap().node();
    return "{\"version\":" + Json.quote(Version.text())
        + ",\"state\":" + Json.quote(server.effectiveState().name())
        + ",\"hot_restart_version\":\"disabled\""
        + ",\"command_line_options\":" + cmd
        + ",\"node\":{\"id\":" + Json.quote(node.id()) + ",\"cluster\":" + Json.quote(node.cluster()) + "}"
        + ",\"uptime_current_epoch\":" + Json.quote(up.toSeconds() + "s")
        + ",\"uptime_all_epochs\":" + Json.quote(up.toSeconds() + "s")
        + "}";
  }
}
