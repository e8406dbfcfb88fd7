package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/**
 * What a request must satisfy for a route to apply: a path rule (case sensitive unless told
 * otherwise, as Envoy's {@code case_sensitive} defaults to true), and all header and query
 * parameter matchers.
 */
public record RouteMatchConfig(
    PathMatchConfig path,
    boolean caseSensitive,
    List<HeaderMatchConfig> headers,
    List<QueryParamMatchConfig> queryParameters) {
  public RouteMatchConfig {
    Objects.requireNonNull(path, "path");
    headers = List.copyOf(headers);
    queryParameters = List.copyOf(queryParameters);
  }

  public static RouteMatchConfig prefix(String prefix) {
    return new RouteMatchConfig(new PathMatchConfig.Prefix(prefix), true, List.of(), List.of());
  }
}
