package dev.sluice.routing;

import dev.sluice.config.HeaderMatchConfig;
import dev.sluice.config.HeaderMutations;
import dev.sluice.config.HeaderValueOption;
import dev.sluice.config.PathMatchConfig;
import dev.sluice.config.QueryParamMatchConfig;
import dev.sluice.config.RouteActionConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.RouteMatchConfig;
import dev.sluice.config.RouteRuleConfig;
import dev.sluice.config.VirtualHostConfig;
import java.util.List;

/** Terse builders of route configurations for tests. */
final class Configs {
  private Configs() {}

  static RouteConfig config(VirtualHostConfig... virtualHosts) {
    return new RouteConfig("rc", List.of(virtualHosts), HeaderMutations.NONE);
  }

  static VirtualHostConfig vhost(String name, List<String> domains, RouteRuleConfig... routes) {
    return new VirtualHostConfig(name, domains, List.of(routes), HeaderMutations.NONE);
  }

  /** A virtual host with one catch-all route named after the virtual host. */
  static VirtualHostConfig vhost(String name, String... domains) {
    return vhost(name, List.of(domains), forward(name, RouteMatchConfig.prefix("/"), "c-" + name));
  }

  static RouteRuleConfig route(String name, RouteMatchConfig match, RouteActionConfig action) {
    return new RouteRuleConfig(name, match, action, HeaderMutations.NONE);
  }

  static RouteRuleConfig forward(String name, RouteMatchConfig match, String cluster) {
    return route(name, match, RouteActionConfig.Forward.to(cluster));
  }

  static RouteMatchConfig match(PathMatchConfig path) {
    return new RouteMatchConfig(path, true, List.of(), List.of());
  }

  static RouteMatchConfig matchHeaders(PathMatchConfig path, HeaderMatchConfig... headers) {
    return new RouteMatchConfig(path, true, List.of(headers), List.of());
  }

  static RouteMatchConfig matchQuery(PathMatchConfig path, QueryParamMatchConfig... parameters) {
    return new RouteMatchConfig(path, true, List.of(), List.of(parameters));
  }

  static HeaderMutations requestAdds(HeaderValueOption... adds) {
    return new HeaderMutations(List.of(adds), List.of(), List.of(), List.of());
  }

  static HeaderMutations responseAdds(HeaderValueOption... adds) {
    return new HeaderMutations(List.of(), List.of(), List.of(adds), List.of());
  }

  /** Compiles {@code rule} alone, in a virtual host "vh" serving "*". */
  static RouteEntry compiled(RouteRuleConfig rule) {
    return new RouteEntry(rule, vhost("vh", List.of("*"), rule), HeaderMutations.NONE);
  }
}
