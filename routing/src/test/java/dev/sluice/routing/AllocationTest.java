package dev.sluice.routing;

import static dev.sluice.routing.Configs.config;
import static dev.sluice.routing.Configs.forward;
import static dev.sluice.routing.Configs.match;
import static dev.sluice.routing.Configs.matchHeaders;
import static dev.sluice.routing.Configs.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.config.HeaderMatchConfig;
import dev.sluice.config.PathMatchConfig;
import dev.sluice.config.RouteMatchConfig;
import dev.sluice.config.StringMatch;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A hit on plain prefix, exact and header rules must not allocate (STYLE: 0 B/op on a route hit). */
class AllocationTest {

  @Test
  void routeHitAllocatesNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadAllocatedMemorySupported());
    threads.setThreadAllocatedMemoryEnabled(true);

    RouteTable table = RouteTable.compile(config(
        vhost("other", List.of("other.example.com"), forward("o", RouteMatchConfig.prefix("/"), "o")),
        vhost("suffix", List.of("*.example.com", "www.example.*"),
            forward("exact", match(new PathMatchConfig.Exact("/health")), "h"),
            forward("header", matchHeaders(new PathMatchConfig.Prefix("/api"),
                HeaderMatchConfig.value("x-env", new StringMatch.Exact("Canary", true)),
                HeaderMatchConfig.value(":method", new StringMatch.Exact("GET", false)),
                HeaderMatchConfig.present("x-absent", false)), "canary"),
            forward("ci", new RouteMatchConfig(new PathMatchConfig.SeparatedPrefix("/Docs"), false, List.of(), List.of()), "d"),
            forward("prefix", RouteMatchConfig.prefix("/"), "p"))));
    TestRequest[] requests = {
        TestRequest.get("Shop.Example.com", "/health?verbose=1"),
        TestRequest.get("www.example.org:8080", "/api/users").withHeaders(Map.of("x-env", "CANARY")),
        TestRequest.get("a.example.com", "/docs/intro"),
        TestRequest.get("a.example.com", "/anything"),
    };
    String[] expected = {"exact", "header", "ci", "prefix"};
    long thread = Thread.currentThread().getId();

    for (int warm = 0; warm < 20_000; warm++) {
      table.route(requests[warm & 3]);
    }
    long before = threads.getThreadAllocatedBytes(thread);
    int hits = 0;
    for (int i = 0; i < 100_000; i++) {
      RouteEntry entry = table.route(requests[i & 3]);
      if (entry.name().equals(expected[i & 3])) {
        hits++;
      }
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    assertThat(hits).isEqualTo(100_000);
    // One allocation per lookup would be at least 1.6 MB; allow only measurement noise.
    assertThat(allocated).isLessThan(4_096);
  }
}
