package dev.sluice.config;

import java.util.Objects;

/**
 * Envoy's {@code QueryParameterMatcher}: with a {@code valueMatch} the parameter's value must
 * match it; without one the parameter must be present.
 */
public record QueryParamMatchConfig(String name, StringMatch valueMatch) {
  public QueryParamMatchConfig {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("query parameter matcher name must not be empty");
    }
  }
}
