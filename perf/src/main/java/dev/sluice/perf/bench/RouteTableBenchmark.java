package dev.sluice.perf.bench;

import dev.sluice.config.RouteConfig;
import dev.sluice.routing.RouteEntry;
import dev.sluice.routing.RouteTable;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link RouteTable#route} on 10, 1,000 and 10,000 routes of {@link SyntheticRoutes}' mix, both
 * as many ten-route virtual hosts and as one flat virtual host. {@code hit} looks up requests for
 * uniformly random routes (1,024 of them, cycled, so branch prediction cannot learn one answer);
 * {@code miss} scans a whole virtual host without a match (the 404 path); {@code compile} is the
 * cost of building the table when configuration arrives.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class RouteTableBenchmark {
  private static final int REQUESTS = 1024;

  @Param({"10", "1000", "10000"})
  public int routes;

  @Param({"VHOSTS", "FLAT"})
  public SyntheticRoutes.Layout layout;

  private RouteConfig config;
  private RouteTable table;
  private BenchRequest[] requests;
  private BenchRequest miss;
  private int next;

  @Setup
  public void setUp() {
    config = SyntheticRoutes.config(routes, layout);
    table = RouteTable.compile(config);
    requests = new BenchRequest[REQUESTS];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < REQUESTS; i++) {
      int g = random.nextInt(routes);
      requests[i] = SyntheticRoutes.requestFor(g, layout);
      RouteEntry hit = table.route(requests[i]);
      if (hit == null || !hit.name().equals("r" + g)) {
        throw new IllegalStateException(requests[i] + " matched " + hit + ", expected r" + g);
      }
    }
    // The last virtual host is the one a miss scans; in the flat layout that is every route.
    String authority = layout == SyntheticRoutes.Layout.FLAT
        ? "service.example.com"
        : "vh" + ((routes - 1) / SyntheticRoutes.ROUTES_PER_VHOST) + ".example.com";
    miss = new BenchRequest(authority, "/nothing/here", "user-agent", "bench/1.0", "accept", "*/*");
    if (table.route(miss) != null) {
      throw new IllegalStateException("the miss request matched");
    }
  }

  @Benchmark
  public RouteEntry hit() {
    return table.route(requests[next++ & (REQUESTS - 1)]);
  }

  @Benchmark
  public RouteEntry miss() {
    return table.route(miss);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public RouteTable compile() {
    return RouteTable.compile(config);
  }
}
