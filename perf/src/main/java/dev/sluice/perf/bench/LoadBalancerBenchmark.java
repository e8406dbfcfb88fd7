package dev.sluice.perf.bench;

import dev.sluice.common.RandomSource;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.upstream.ClusterManager;
import dev.sluice.upstream.UpstreamCluster;
import dev.sluice.upstream.UpstreamEndpoint;
import dev.sluice.upstream.lb.LbPolicyRegistry;
import dev.sluice.upstream.lb.Picker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * A pick from each built-in policy ({@code dev.sluice.upstream.lb}) over a live STATIC cluster of
 * 3 or 100 endpoints with equal or unequal weights. {@code clusterPick} goes through
 * {@link UpstreamCluster#pick} as the router does (one volatile read of the cluster state);
 * {@code pickerPick} calls the published {@link Picker} directly.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class LoadBalancerBenchmark {
  @Param({"ROUND_ROBIN", "LEAST_REQUEST", "RANDOM"})
  public ClusterConfig.LbPolicy policy;

  @Param({"3", "100"})
  public int endpoints;

  @Param({"false", "true"})
  public boolean weighted;

  private ClusterManager clusters;
  private UpstreamCluster cluster;
  private Picker picker;
  private final RandomSource random = RandomSource.THREAD_LOCAL;

  @Setup
  public void setUp() throws Exception {
    List<EndpointConfig> list = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      int weight = weighted ? 1 + (i % 5) : 1;
      list.add(new EndpointConfig(new SocketAddressConfig("10.0." + (i / 250) + "." + (1 + i % 250), 8080), weight));
    }
    ClusterConfig config = new ClusterConfig("bench", ClusterConfig.DiscoveryType.STATIC, Duration.ofSeconds(1),
        policy, list, ClusterConfig.DEFAULT_DNS_REFRESH_RATE, ClusterConfig.DEFAULT_IDLE_TIMEOUT, 0);
    clusters = new ClusterManager(new StatsRegistry(), LbPolicyRegistry.builtIn());
    clusters.update(Map.of("bench", config)).get(10, TimeUnit.SECONDS);
    cluster = clusters.get("bench");
    picker = LbPolicyRegistry.builtIn().provider(policy).newPicker(cluster.endpoints());
    // Give least request something to compare: a few endpoints carry requests in flight.
    for (int i = 0; i < cluster.endpoints().size(); i += 3) {
      cluster.endpoints().get(i).requestStarted();
    }
  }

  @TearDown
  public void tearDown() {
    clusters.close();
  }

  @Benchmark
  public UpstreamEndpoint clusterPick() {
    return cluster.pick(random);
  }

  @Benchmark
  public UpstreamEndpoint pickerPick() {
    return picker.pick(random);
  }
}
