package dev.sluice.conformance.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An HTTP/1.x response exactly as it came off the wire: status line, headers in order with their
 * original case, the decoded body, and whether it was chunked (with its chunk count).
 */
public record RawResponse(
    String statusLine, int status, List<Map.Entry<String, String>> headers, byte[] body, int chunks) {

  public RawResponse {
    headers = List.copyOf(headers);
  }

  public boolean chunked() {
    return chunks >= 0;
  }

  public String header(String name) {
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(name)) {
        return h.getValue();
      }
    }
    return null;
  }

  public List<String> headerValues(String name) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equalsIgnoreCase(name)) {
        out.add(h.getValue());
      }
    }
    return out;
  }

  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The backend's echo of the request; throws if the body is not one. */
  public EchoedRequest echo() {
    return EchoedRequest.parse(text());
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(statusLine).append('\n');
    for (Map.Entry<String, String> h : headers) {
      b.append(h.getKey()).append(": ").append(h.getValue()).append('\n');
    }
    return b.append('\n').append(body.length < 2048 ? text() : body.length + " bytes").toString();
  }
}
