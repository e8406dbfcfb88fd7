package dev.sluice.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.conformance.support.EchoedRequest;
import dev.sluice.conformance.support.HttpClients;
import dev.sluice.conformance.support.ProxyFixture;
import dev.sluice.conformance.support.TestBackend;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weighted_clusters}: the split over 2,000 requests stays within 5 percentage points of
 * the weights (the standard deviation of a 75/25 split over 2,000 draws is about 1 point), a
 * zero-weight cluster is never picked, and each weighted cluster's own header mutations apply.
 */
final class WeightedSplitTest {
  private static final int REQUESTS = 2_000;
  private static final int IN_FLIGHT = 20;

  @TempDir
  static Path dir;
  static TestBackend blue;
  static TestBackend green;
  static TestBackend never;
  static ProxyFixture proxy;

  @BeforeAll
  static void start() {
    blue = TestBackend.start("blue");
    green = TestBackend.start("green");
    never = TestBackend.start("never");
    proxy = ProxyFixture.builder()
        .cluster("blue", blue)
        .cluster("green", green)
        .cluster("never", never)
        .routeConfig("""
            virtual_hosts:
            - name: all
              domains: ["*"]
              routes:
              - match: { prefix: /split }
                route:
                  weighted_clusters:
                    clusters:
                    - name: blue
                      weight: 75
                      request_headers_to_add: [{ header: { key: x-color, value: blue } }]
                      response_headers_to_add: [{ header: { key: x-picked, value: blue } }]
                    - name: green
                      weight: 25
                      request_headers_to_add: [{ header: { key: x-color, value: green } }]
                      response_headers_to_add: [{ header: { key: x-picked, value: green } }]
                    - { name: never, weight: 0 }
            """)
        .start(dir);
  }

  @AfterAll
  static void stop() {
    proxy.close();
    blue.close();
    green.close();
    never.close();
  }

  @Test
  void splitFollowsTheWeights() {
    HttpClient client = HttpClients.http1();
    Map<String, Integer> served = new HashMap<>();
    List<HttpResponse<String>> responses = new ArrayList<>(REQUESTS);
    // A few requests in flight at a time, over several connections and so several event loops.
    for (int batch = 0; batch < REQUESTS; batch += IN_FLIGHT) {
      List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>(IN_FLIGHT);
      for (int i = batch; i < batch + IN_FLIGHT; i++) {
        inFlight.add(client.sendAsync(HttpClients.get(proxy.uri("/split?i=" + i)), BodyHandlers.ofString()));
      }
      inFlight.forEach(f -> responses.add(f.join()));
    }
    for (HttpResponse<String> r : responses) {
      assertThat(r.statusCode()).isEqualTo(200);
      String backend = r.headers().firstValue("x-backend").orElseThrow();
      EchoedRequest echo = EchoedRequest.parse(r.body());
      // The weighted cluster's mutations belong to the cluster that was picked, in both directions.
      assertThat(echo.headerValues("x-color")).containsExactly(backend);
      assertThat(r.headers().allValues("x-picked")).containsExactly(backend);
      served.merge(backend, 1, Integer::sum);
    }
    int blueCount = served.getOrDefault("blue", 0);
    int greenCount = served.getOrDefault("green", 0);
    assertThat(served).doesNotContainKey("never");
    assertThat(blueCount + greenCount).isEqualTo(REQUESTS);
    assertThat(blueCount).as("blue share of %s: %s", REQUESTS, served).isBetween(1_400, 1_600);
    assertThat(greenCount).as("green share of %s: %s", REQUESTS, served).isBetween(400, 600);
    // The backends agree with what the client saw.
    assertThat(blue.requestCount()).isEqualTo(blueCount);
    assertThat(green.requestCount()).isEqualTo(greenCount);
    assertThat(never.requestCount()).isZero();
    proxy.awaitCounter("cluster.blue.upstream_rq_total", blueCount);
    proxy.awaitCounter("cluster.green.upstream_rq_total", greenCount);
    assertThat(proxy.clusterCounter("never", "upstream_rq_total")).isZero();
  }
}
