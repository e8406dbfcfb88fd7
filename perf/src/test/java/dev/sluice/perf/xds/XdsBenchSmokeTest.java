package dev.sluice.perf.xds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps the xDS update benchmark from rotting: every step of {@link XdsBench} with tiny sizes
 * (tens of routes, a few clusters and endpoints, a one-second request stream) through the same
 * code path — java-control-plane, the xDS client, {@code server.apply}, real requests. It checks
 * that every figure is produced and that nothing was NACKed or failed; never how fast.
 */
class XdsBenchSmokeTest {

  @ParameterizedTest
  @ValueSource(strings = {"GRPC", "DELTA_GRPC"})
  void everyStepRunsAndProducesItsFigures(String apiType) throws Exception {
    Map<String, Double> f = new XdsBench(XdsBench.Config.smoke(), apiType).run(Optional.empty());

    for (String scenario : new String[] {"rds", "rds_cold", "cds", "eds", "eds1", "add", "stream_update"}) {
      for (String stage : new String[] {"set", "received", "applied", "served"}) {
        assertThat(f).as(scenario + " " + stage).containsKey(scenario + "_" + stage + "_median");
        assertThat(f.get(scenario + "_" + stage + "_median")).isGreaterThanOrEqualTo(0);
      }
    }
    assertThat(f).containsKeys("heap_route_bytes", "heap_cluster_bytes", "heap_endpoint_bytes",
        "lat_steady_p99", "lat_during_p99", "lat_p99_ratio");
    assertThat(f.get("lat_steady_n")).isPositive();
    assertThat(f.get("nacks")).isZero();
    assertThat(f.get("apply_failures")).isZero();
    assertThat(f.get("lat_failures")).isZero();
  }
}
