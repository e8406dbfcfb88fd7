package dev.sluice.perf.bench;

import dev.sluice.config.HeaderMatchConfig;
import dev.sluice.config.HeaderMutations;
import dev.sluice.config.PathMatchConfig;
import dev.sluice.config.RouteActionConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.RouteMatchConfig;
import dev.sluice.config.RouteRuleConfig;
import dev.sluice.config.StringMatch;
import dev.sluice.config.VirtualHostConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Route configurations of a given size with a realistic mix of matchers, and requests that hit
 * their routes. Route {@code g} (numbered across the whole configuration) is one of five shapes:
 *
 * <ol start="0">
 *   <li>{@code prefix: /s<g>/}
 *   <li>{@code path: /api/e<g>}
 *   <li>{@code prefix: /t<g>/} and header {@code x-tenant} exactly {@code t<g>}
 *   <li>{@code path_separated_prefix: /p<g>}
 *   <li>{@code prefix: /h<g>/}, header {@code x-canary} present and {@code user-agent} prefix
 *       {@code bench}
 * </ol>
 *
 * <p>Two layouts: {@link Layout#VHOSTS}, ten routes per virtual host (a gateway with many
 * hostnames; virtual host {@code k} serves {@code vh<k>.example.com}, {@code *.vh<k>.example.com}
 * and {@code vh<k>.internal*}, so exact, suffix and prefix domain lookups all occur), and
 * {@link Layout#FLAT}, every route in one {@code *} virtual host (Envoy's linear scan worst case).
 */
public final class SyntheticRoutes {
  public enum Layout { VHOSTS, FLAT }

  static final int ROUTES_PER_VHOST = 10;

  private SyntheticRoutes() {}

  static RouteConfig config(int routes, Layout layout) {
    List<VirtualHostConfig> vhosts = new ArrayList<>();
    if (layout == Layout.FLAT) {
      vhosts.add(new VirtualHostConfig("all", List.of("*"), rules(0, routes), HeaderMutations.NONE));
    } else {
      for (int k = 0, g = 0; g < routes; k++, g += ROUTES_PER_VHOST) {
        int n = Math.min(ROUTES_PER_VHOST, routes - g);
        vhosts.add(new VirtualHostConfig("vh" + k,
            List.of("vh" + k + ".example.com", "*.vh" + k + ".example.com", "vh" + k + ".internal*"),
            rules(g, n), HeaderMutations.NONE));
      }
    }
    return new RouteConfig("synthetic-" + routes + "-" + layout, vhosts, HeaderMutations.NONE);
  }

  private static List<RouteRuleConfig> rules(int first, int count) {
    List<RouteRuleConfig> out = new ArrayList<>(count);
    for (int g = first; g < first + count; g++) {
      out.add(new RouteRuleConfig("r" + g, match(g), RouteActionConfig.Forward.to("c" + (g % 7)),
          HeaderMutations.NONE));
    }
    return out;
  }

  private static RouteMatchConfig match(int g) {
    return switch (g % 5) {
      case 0 -> RouteMatchConfig.prefix("/s" + g + "/");
      case 1 -> new RouteMatchConfig(new PathMatchConfig.Exact("/api/e" + g), true, List.of(), List.of());
      case 2 -> new RouteMatchConfig(new PathMatchConfig.Prefix("/t" + g + "/"), true,
          List.of(HeaderMatchConfig.value("x-tenant", new StringMatch.Exact("t" + g, false))), List.of());
      case 3 -> new RouteMatchConfig(new PathMatchConfig.SeparatedPrefix("/p" + g), true, List.of(), List.of());
      default -> new RouteMatchConfig(new PathMatchConfig.Prefix("/h" + g + "/"), true,
          List.of(HeaderMatchConfig.present("x-canary", true),
              HeaderMatchConfig.value("user-agent", new StringMatch.Prefix("bench", false))),
          List.of());
    };
  }

  /** A request that route {@code g} of a configuration of this layout matches (and no earlier one). */
  static BenchRequest requestFor(int g, Layout layout) {
    String authority;
    if (layout == Layout.FLAT) {
      authority = "service.example.com";
    } else {
      int k = g / ROUTES_PER_VHOST;
      authority = switch (g % 3) {
        case 0 -> "vh" + k + ".example.com";
        case 1 -> "api.vh" + k + ".example.com";
        default -> "vh" + k + ".internal.corp:8080";
      };
    }
    return switch (g % 5) {
      case 0 -> new BenchRequest(authority, "/s" + g + "/items?page=2", "user-agent", "bench/1.0", "accept", "*/*");
      case 1 -> new BenchRequest(authority, "/api/e" + g, "user-agent", "bench/1.0", "accept", "*/*");
      case 2 -> new BenchRequest(authority, "/t" + g + "/a", "user-agent", "bench/1.0", "accept", "*/*",
          "x-tenant", "t" + g);
      case 3 -> new BenchRequest(authority, "/p" + g + "/x", "user-agent", "bench/1.0", "accept", "*/*");
      default -> new BenchRequest(authority, "/h" + g + "/b", "user-agent", "bench/1.0", "accept", "*/*",
          "x-canary", "1");
    };
  }

  /** {@code count} requests for uniformly random routes of a {@code routes}-route configuration. */
  static BenchRequest[] randomRequests(int routes, Layout layout, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    BenchRequest[] out = new BenchRequest[count];
    for (int i = 0; i < count; i++) {
      out[i] = requestFor(random.nextInt(routes), layout);
    }
    return out;
  }
}
