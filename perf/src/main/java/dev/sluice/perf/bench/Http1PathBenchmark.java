package dev.sluice.perf.bench;

import dev.sluice.common.RandomSource;
import dev.sluice.config.CodecType;
import dev.sluice.config.HeaderMatchConfig;
import dev.sluice.config.HeaderMutations;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.PathMatchConfig;
import dev.sluice.config.RouteActionConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.RouteMatchConfig;
import dev.sluice.config.RouteRuleConfig;
import dev.sluice.config.StringMatch;
import dev.sluice.config.VirtualHostConfig;
import dev.sluice.listener.http.HttpConnectionManager;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.upstream.ClusterManager;
import dev.sluice.upstream.lb.LbPolicyRegistry;
import dev.sluice.upstream.pool.UpstreamTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole HTTP/1.1 keep-alive exchange through the pipeline that
 * {@link HttpConnectionManager#initChannel} builds, on an {@link EmbeddedChannel}: request bytes
 * in, HTTP decoding, the route lookup (optionally past routes with header matchers, which makes the
 * Netty request adapter look headers up), a {@code direct_response} local reply, response encoding,
 * response bytes out. A forwarded request needs a live upstream connection and is measured end to
 * end by perf/compare.sh instead. EmbeddedChannel's own bookkeeping (pending tasks, exception
 * checks) is included; it is small next to the codec.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class Http1PathBenchmark {
  static final byte[] REQUEST = ("GET /hello HTTP/1.1\r\n"
      + "Host: bench.example.com\r\n"
      + "User-Agent: wrk/4.1.0\r\n"
      + "Accept: */*\r\n"
      + "\r\n").getBytes(StandardCharsets.US_ASCII);

  /** AUTO is what a listener serving h2c as well runs; HTTP1 skips the cleartext-upgrade handlers. */
  @Param({"AUTO", "HTTP1"})
  public CodecType codec;

  /** Routes with header matchers tried (and missed) before the one that answers. */
  @Param({"0", "4"})
  public int headerRoutesBefore;

  private ClusterManager clusters;
  private EmbeddedChannel channel;
  private ByteBuf request;

  @Setup
  public void setUp() {
    List<RouteRuleConfig> routes = new ArrayList<>();
    for (int i = 0; i < headerRoutesBefore; i++) {
      routes.add(new RouteRuleConfig("h" + i,
          new RouteMatchConfig(new PathMatchConfig.Prefix("/"), true,
              // user-agent is present (so the adapter fetches its value) and fails the prefix.
              List.of(HeaderMatchConfig.value("user-agent", new StringMatch.Prefix("curl/", false)),
                  HeaderMatchConfig.value("x-tenant", new StringMatch.Exact("t" + i, false))),
              List.of()),
          RouteActionConfig.Forward.to("backend"), HeaderMutations.NONE));
    }
    routes.add(new RouteRuleConfig("hello",
        new RouteMatchConfig(new PathMatchConfig.Exact("/hello"), true, List.of(), List.of()),
        new RouteActionConfig.DirectResponse(200, "hello, sluice\n"), HeaderMutations.NONE));
    RouteConfig routeConfig = new RouteConfig("bench", List.of(
        new VirtualHostConfig("bench", List.of("bench.example.com"), routes, HeaderMutations.NONE)),
        HeaderMutations.NONE);
    StatsRegistry stats = new StatsRegistry();
    clusters = new ClusterManager(stats, LbPolicyRegistry.builtIn());
    HttpConnectionManager hcm = new HttpConnectionManager(
        HttpConnectionManagerConfig.withDefaults("bench", codec, routeConfig), stats, clusters,
        new UpstreamTransport(NioSocketChannel.class), RandomSource.THREAD_LOCAL);
    channel = new EmbeddedChannel();
    hcm.initChannel(channel);
    request = Unpooled.unreleasableBuffer(Unpooled.directBuffer(REQUEST.length).writeBytes(REQUEST));
    String response = exchangeText();
    if (!response.startsWith("HTTP/1.1 200 ") || !response.endsWith("hello, sluice\n")) {
      throw new IllegalStateException("unexpected response:\n" + response);
    }
  }

  @TearDown
  public void tearDown() {
    channel.finishAndReleaseAll();
    clusters.close();
  }

  @Benchmark
  public int exchange() {
    channel.writeInbound(request.duplicate());
    int bytes = 0;
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      bytes += out.readableBytes();
      out.release();
    }
    return bytes;
  }

  private String exchangeText() {
    channel.writeInbound(request.duplicate());
    StringBuilder text = new StringBuilder();
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      text.append(out.toString(StandardCharsets.US_ASCII));
      out.release();
    }
    return text.toString();
  }
}
