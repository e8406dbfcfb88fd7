package dev.sluice.config;

import java.util.Objects;

/** One route: what it matches, what it does, and the header mutations of its own level. */
public record RouteRuleConfig(String name, RouteMatchConfig match, RouteActionConfig action, HeaderMutations headers) {
  public RouteRuleConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(headers, "headers");
  }
}
