package dev.sluice.upstream.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.RandomSource;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.upstream.ClusterManager;
import dev.sluice.upstream.UpstreamEndpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PickersTest {

  /** Live endpoints with the given weights, built through the cluster manager as production does. */
  private static List<UpstreamEndpoint> endpoints(int... weights) throws Exception {
    List<EndpointConfig> configs = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      configs.add(new EndpointConfig(new SocketAddressConfig("127.0.0." + (i + 1), 80), weights[i]));
    }
    try (ClusterManager manager = new ClusterManager(new StatsRegistry(), LbPolicyRegistry.builtIn())) {
      manager.update(Map.of("c", ClusterConfig.ofStatic("c", configs))).get(5, TimeUnit.SECONDS);
      return manager.get("c").endpoints();
    }
  }

  private static Map<UpstreamEndpoint, Integer> count(Picker picker, int picks, RandomSource random) {
    Map<UpstreamEndpoint, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(picker.pick(random), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void roundRobinCyclesEquallyWeightedEndpointsInOrder() throws Exception {
    List<UpstreamEndpoint> eps = endpoints(1, 1, 1);
    Picker picker = RoundRobinPicker.of(eps);
    UpstreamEndpoint first = picker.pick(RandomSource.seeded(1));
    int start = eps.indexOf(first);
    for (int i = 1; i < 9; i++) {
      assertThat(picker.pick(RandomSource.seeded(1))).isSameAs(eps.get((start + i) % 3));
    }
  }

  @Test
  void weightedRoundRobinHonoursWeightsExactlyOverACycle() throws Exception {
    List<UpstreamEndpoint> eps = endpoints(5, 1, 2);
    Map<UpstreamEndpoint, Integer> counts = count(RoundRobinPicker.of(eps), 8 * 100, RandomSource.seeded(1));
    assertThat(counts.get(eps.get(0))).isEqualTo(500);
    assertThat(counts.get(eps.get(1))).isEqualTo(100);
    assertThat(counts.get(eps.get(2))).isEqualTo(200);
  }

  @Test
  void weightedRoundRobinSpreadsTheHeavyEndpointsTurns() throws Exception {
    List<UpstreamEndpoint> eps = endpoints(5, 1);
    Picker picker = RoundRobinPicker.of(eps);
    // In any window of 6 consecutive picks the light endpoint appears exactly once, never twice in a row.
    UpstreamEndpoint previous = null;
    for (int i = 0; i < 60; i++) {
      UpstreamEndpoint e = picker.pick(RandomSource.seeded(1));
      if (e == eps.get(1)) {
        assertThat(previous).isNotSameAs(eps.get(1));
      }
      previous = e;
    }
  }

  @Test
  void randomFollowsWeights() throws Exception {
    List<UpstreamEndpoint> eps = endpoints(3, 1);
    Map<UpstreamEndpoint, Integer> counts = count(RandomPicker.of(eps), 40_000, RandomSource.seeded(42));
    assertThat(counts.get(eps.get(0)) / 40_000.0).isBetween(0.73, 0.77);
  }

  @Test
  void leastRequestPrefersTheIdleEndpoint() throws Exception {
    List<UpstreamEndpoint> eps = endpoints(1, 1);
    for (int i = 0; i < 10; i++) {
      eps.get(0).requestStarted();
    }
    Map<UpstreamEndpoint, Integer> counts = count(LeastRequestPicker.of(eps), 1000, RandomSource.seeded(7));
    // Two random candidates: the busy one wins only when it is drawn twice (about a quarter of picks).
    assertThat(counts.getOrDefault(eps.get(0), 0)).isBetween(180, 320);
    assertThat(counts.get(eps.get(1))).isGreaterThan(650);
  }

  @Test
  void leastRequestWithEqualLoadFollowsWeights() throws Exception {
    List<UpstreamEndpoint> eps = endpoints(4, 1);
    Map<UpstreamEndpoint, Integer> counts = count(LeastRequestPicker.of(eps), 20_000, RandomSource.seeded(3));
    assertThat(counts.get(eps.get(0))).isGreaterThan(counts.get(eps.get(1)) * 3);
  }

  @Test
  void emptySetPicksNothing() {
    assertThat(RoundRobinPicker.of(List.of()).pick(RandomSource.seeded(1))).isNull();
    assertThat(RandomPicker.of(List.of()).pick(RandomSource.seeded(1))).isNull();
    assertThat(LeastRequestPicker.of(List.of()).pick(RandomSource.seeded(1))).isNull();
  }
}
