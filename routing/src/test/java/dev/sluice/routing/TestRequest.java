package dev.sluice.routing;

import java.util.Map;

/** A request for tests; header names in {@code headers} are lower case, values already joined. */
record TestRequest(String method, String authority, String path, String scheme, Map<String, String> headers)
    implements RequestView {

  static TestRequest get(String authority, String path) {
    return new TestRequest("GET", authority, path, "http", Map.of());
  }

  TestRequest withHeaders(Map<String, String> newHeaders) {
    return new TestRequest(method, authority, path, scheme, newHeaders);
  }

  TestRequest withScheme(String newScheme) {
    return new TestRequest(method, authority, path, newScheme, headers);
  }

  TestRequest withMethod(String newMethod) {
    return new TestRequest(newMethod, authority, path, scheme, headers);
  }

  @Override
  public String header(String lowerCaseName) {
    return switch (lowerCaseName) {
      case ":method" -> method;
      case ":authority" -> authority;
      case ":path" -> path;
      case ":scheme" -> scheme;
      default -> headers.get(lowerCaseName);
    };
  }
}
