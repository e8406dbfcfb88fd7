package dev.sluice.routing.matcher;

import dev.sluice.config.QueryParamMatchConfig;

/**
 * A compiled Envoy {@code QueryParameterMatcher}: the first value of the named parameter must
 * match, or, without a value matcher, the parameter must be present. An absent parameter never
 * matches (Envoy's {@code ConfigUtility::QueryParameterMatcher::matches}).
 */
public final class QueryParamMatcher {
  private final String name;
  private final StringMatcher valueMatcher;

  public QueryParamMatcher(QueryParamMatchConfig config) {
    this.name = config.name();
    this.valueMatcher = config.valueMatch() == null ? null : StringMatcher.of(config.valueMatch());
  }

  public String name() {
    return name;
  }

  public boolean matches(QueryParameters parameters) {
    String value = parameters.first(name);
    if (value == null) {
      return false;
    }
    return valueMatcher == null || valueMatcher.matches(value);
  }
}
