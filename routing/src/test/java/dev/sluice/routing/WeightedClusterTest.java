package dev.sluice.routing;

import static dev.sluice.routing.Configs.compiled;
import static dev.sluice.routing.Configs.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.HeaderMutations;
import dev.sluice.config.RouteActionConfig.Forward;
import dev.sluice.config.RouteActionConfig.WeightedCluster;
import dev.sluice.config.RouteMatchConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightedClusterTest {

  private static RouteEntry weighted(int... weights) {
    WeightedCluster[] clusters = new WeightedCluster[weights.length];
    for (int i = 0; i < weights.length; i++) {
      clusters[i] = new WeightedCluster("c" + i, weights[i], HeaderMutations.NONE);
    }
    return compiled(route("r", RouteMatchConfig.prefix("/"),
        new Forward(Arrays.asList(clusters), null, null, null, false, Duration.ofSeconds(1))));
  }

  private static Map<String, Integer> countPicks(RouteEntry entry, long from, long count) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (long r = from; r < from + count; r++) {
      counts.merge(entry.pickCluster(r).clusterName(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void distributionFollowsWeightsExactly() {
    RouteEntry entry = weighted(10, 30, 60);
    assertThat(entry.isWeighted()).isTrue();
    // Every run of 100 consecutive values covers each interval once.
    assertThat(countPicks(entry, 0, 10_000)).containsExactly(
        Map.entry("c0", 1_000), Map.entry("c1", 3_000), Map.entry("c2", 6_000));
    assertThat(countPicks(entry, 12_345, 100)).containsOnly(
        Map.entry("c0", 10), Map.entry("c1", 30), Map.entry("c2", 60));
  }

  @Test
  void intervalsFollowConfigurationOrder() {
    RouteEntry entry = weighted(1, 2);
    assertThat(entry.pickCluster(0).clusterName()).isEqualTo("c0");
    assertThat(entry.pickCluster(1).clusterName()).isEqualTo("c1");
    assertThat(entry.pickCluster(2).clusterName()).isEqualTo("c1");
    assertThat(entry.pickCluster(3).clusterName()).isEqualTo("c0");
  }

  @Test
  void negativeRandomValuesAreTakenAsUnsigned() {
    RouteEntry entry = weighted(1, 1, 1);
    // -1 is 2^64-1, and 2^64-1 mod 3 = 0.
    assertThat(entry.pickCluster(-1L).clusterName()).isEqualTo("c0");
    assertThat(entry.pickCluster(Long.MIN_VALUE).clusterName()).isEqualTo("c2"); // 2^63 mod 3 = 2
    Map<String, Integer> counts = countPicks(entry, -3_000, 3_000);
    assertThat(counts).containsOnly(Map.entry("c0", 1_000), Map.entry("c1", 1_000), Map.entry("c2", 1_000));
  }

  @Test
  void zeroWeightClusterIsNeverPicked() {
    RouteEntry entry = weighted(0, 5, 0, 5);
    assertThat(countPicks(entry, 0, 1_000)).containsOnly(Map.entry("c1", 500), Map.entry("c3", 500));
  }

  @Test
  void loneClusterIsAlwaysPicked() {
    RouteEntry entry = weighted(0);
    assertThat(entry.isWeighted()).isFalse();
    assertThat(countPicks(entry, -50, 100)).containsOnly(Map.entry("c0", 100));
  }

  @Test
  void pickingReturnsPrecompiledChoices() {
    RouteEntry entry = weighted(1, 1);
    assertThat(entry.pickCluster(0)).isSameAs(entry.pickCluster(2));
    assertThat(entry.pickCluster(1).weight()).isEqualTo(1);
    assertThat(List.of(entry.pickCluster(0), entry.pickCluster(1))).extracting(ClusterChoice::clusterName)
        .containsExactly("c0", "c1");
  }
}
