package dev.sluice.listener.http;

import dev.sluice.routing.RequestView;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Iterator;

/** Presents a Netty request to the route table; one instance per stream handler, reset per request. */
final class NettyRequestView implements RequestView {
  private HttpRequest request;
  private String scheme = "http";

  void reset(HttpRequest request, String scheme) {
    this.request = request;
    this.scheme = scheme;
  }

  @Override
  public String method() {
    return request.method().name();
  }

  @Override
  public String authority() {
    return request.headers().get(HttpHeaderNames.HOST);
  }

  @Override
  public String path() {
    return request.uri();
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public String header(String lowerCaseName) {
    if (!lowerCaseName.isEmpty() && lowerCaseName.charAt(0) == ':') {
      return switch (lowerCaseName) {
        case ":method" -> method();
        case ":authority" -> authority();
        case ":path" -> path();
        case ":scheme" -> scheme;
        default -> null;
      };
    }
    HttpHeaders headers = request.headers();
    String first = headers.get(lowerCaseName);
    if (first == null) {
      return null;
    }
    // Envoy matches a header with several values against the values joined by ','. The common
    // single-valued case is answered without building a list of the values.
    Iterator<? extends CharSequence> it = headers.valueCharSequenceIterator(lowerCaseName);
    it.next();
    if (!it.hasNext()) {
      return first;
    }
    StringBuilder joined = new StringBuilder(first);
    while (it.hasNext()) {
      joined.append(',').append(it.next());
    }
    return joined.toString();
  }
}
