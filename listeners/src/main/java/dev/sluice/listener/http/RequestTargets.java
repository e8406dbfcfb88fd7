package dev.sluice.listener.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Iterator;

/** HTTP/1.1 request-line and framing rules that Netty's decoder leaves to the server. */
final class RequestTargets {
  private RequestTargets() {}

  /**
   * Rewrites an absolute-form target ({@code http://host:port/path?query}) to origin-form and
   * replaces Host with the target's authority: RFC 9112 section 3.2.2 says a server must accept
   * absolute-form and ignore the received Host, and Envoy does the same ({@code allow_absolute_url}
   * is on by default). Other targets are left as they are. Returns false for an absolute target
   * that cannot be served: a scheme other than http(s), an empty authority or userinfo.
   */
  static boolean toOriginForm(HttpRequest request) {
    String uri = request.uri();
    if (uri.isEmpty() || uri.charAt(0) == '/') {
      return true;
    }
    int schemeEnd = uri.indexOf("://");
    if (schemeEnd < 0) {
      return true; // asterisk-form or authority-form: not ours to change
    }
    String scheme = uri.substring(0, schemeEnd);
    if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
      return false;
    }
    int start = schemeEnd + 3;
    int end = start;
    while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
      end++;
    }
    String authority = uri.substring(start, end);
    if (authority.isEmpty() || authority.indexOf('@') >= 0) {
      return false;
    }
    request.setUri(end == uri.length() ? "/" : uri.charAt(end) == '/' ? uri.substring(end) : "/" + uri.substring(end));
    request.headers().set(HttpHeaderNames.HOST, authority);
    return true;
  }

  /**
   * True when Transfer-Encoding is absent or is exactly {@code chunked}. Any other coding would be
   * lost on the way upstream (the body is re-framed as plain chunked), so such a request is
   * refused with 501 as RFC 9112 section 6.1 suggests and as Envoy's HTTP/1 codec does.
   */
  static boolean hasSupportedTransferCoding(HttpHeaders headers) {
    Iterator<? extends CharSequence> it = headers.valueCharSequenceIterator(HttpHeaderNames.TRANSFER_ENCODING);
    if (!it.hasNext()) {
      return true;
    }
    String value = it.next().toString().trim();
    return !it.hasNext() && value.equalsIgnoreCase("chunked");
  }
}
