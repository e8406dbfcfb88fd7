package dev.sluice.conformance.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** A complete HTTP/2 response: status, headers (lower-case names, in order) and body. */
public record H2Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {
  public H2Response {
    headers = List.copyOf(headers);
  }

  public String header(String name) {
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(name)) {
        return h.getValue();
      }
    }
    return null;
  }

  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  public EchoedRequest echo() {
    return EchoedRequest.parse(text());
  }
}
