package dev.sluice.conformance.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link TestBackend} received, as it echoes it in a response body: one {@code key: value}
 * line per item, headers as {@code header: name: value} in arrival order with lower-case names.
 * The same record is what {@link TestBackend#received()} lists, so tests can check requests whose
 * response never reached the client.
 */
public record EchoedRequest(
    String backend, String method, String uri, List<Map.Entry<String, String>> headers, long bodyBytes, long bodyCrc32) {

  public EchoedRequest {
    headers = List.copyOf(headers);
  }

  /** The first value of a header (name case-insensitive), or null. */
  public String header(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equals(lower)) {
        return h.getValue();
      }
    }
    return null;
  }

  /** Every value of a header, in arrival order. */
  public List<String> headerValues(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equals(lower)) {
        out.add(h.getValue());
      }
    }
    return out;
  }

  public boolean hasHeader(String name) {
    return header(name) != null;
  }

  /** The path part of the request target, without the query. */
  public String path() {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  public String render() {
    StringBuilder b = new StringBuilder(256);
    b.append("backend: ").append(backend).append('\n');
    b.append("method: ").append(method).append('\n');
    b.append("uri: ").append(uri).append('\n');
    b.append("body-bytes: ").append(bodyBytes).append('\n');
    b.append("body-crc32: ").append(Long.toHexString(bodyCrc32)).append('\n');
    for (Map.Entry<String, String> h : headers) {
      b.append("header: ").append(h.getKey()).append(": ").append(h.getValue()).append('\n');
    }
    return b.toString();
  }

  /** Parses {@link #render()}'s output; throws if {@code body} is not an echo. */
  public static EchoedRequest parse(String body) {
    String backend = null;
    String method = null;
    String uri = null;
    long bytes = -1;
    long crc = -1;
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (String line : body.split("\n")) {
      int colon = line.indexOf(": ");
      if (colon < 0) {
        throw new IllegalArgumentException("not an echo line: '" + line + "' in:\n" + body);
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 2);
      switch (key) {
        case "backend" -> backend = value;
        case "method" -> method = value;
        case "uri" -> uri = value;
        case "body-bytes" -> bytes = Long.parseLong(value);
        case "body-crc32" -> crc = Long.parseLong(value, 16);
        case "header" -> {
          // Header names cannot contain ':', so the first one ends the name.
          int sep = value.indexOf(':');
          String v = value.substring(sep + 1);
          headers.add(Map.entry(value.substring(0, sep), v.startsWith(" ") ? v.substring(1) : v));
        }
        default -> throw new IllegalArgumentException("unknown echo key '" + key + "' in:\n" + body);
      }
    }
    if (backend == null || method == null || uri == null || bytes < 0 || crc < 0) {
      throw new IllegalArgumentException("incomplete echo:\n" + body);
    }
    return new EchoedRequest(backend, method, uri, headers, bytes, crc);
  }
}
