package dev.sluice.perf.bench;

import dev.sluice.routing.RequestView;

/**
 * A request as the route table sees it, built once in a benchmark's setup so that a lookup
 * measures the table and nothing else. Headers are a short parallel array searched linearly, as a
 * decoded request's few headers would be.
 */
final class BenchRequest implements RequestView {
  private final String method;
  private final String authority;
  private final String path;
  private final String[] names;
  private final String[] values;

  BenchRequest(String authority, String path, String... headers) {
    this.method = "GET";
    this.authority = authority;
    this.path = path;
    this.names = new String[headers.length / 2];
    this.values = new String[headers.length / 2];
    for (int i = 0; i < names.length; i++) {
      names[i] = headers[2 * i];
      values[i] = headers[2 * i + 1];
    }
  }

  @Override
  public String method() {
    return method;
  }

  @Override
  public String authority() {
    return authority;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String scheme() {
    return "http";
  }

  @Override
  public String header(String lowerCaseName) {
    if (!lowerCaseName.isEmpty() && lowerCaseName.charAt(0) == ':') {
      return switch (lowerCaseName) {
        case ":method" -> method;
        case ":authority" -> authority;
        case ":path" -> path;
        case ":scheme" -> "http";
        default -> null;
      };
    }
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(lowerCaseName)) {
        return values[i];
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return authority + path;
  }
}
