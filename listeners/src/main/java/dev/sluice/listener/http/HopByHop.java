package dev.sluice.listener.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.List;

/**
 * Removes hop-by-hop headers (RFC 9110 section 7.6.1): those that describe one connection and
 * must not be forwarded, plus any header that {@code Connection} names.
 */
final class HopByHop {
  private HopByHop() {}

  static void stripRequest(HttpHeaders h, boolean fromHttp2) {
    stripCommon(h);
    h.remove(HttpHeaderNames.TE);
    h.remove(HttpHeaderNames.UPGRADE);
    h.remove(HttpHeaderNames.TRANSFER_ENCODING);
    h.remove(HttpHeaderNames.EXPECT);
    if (fromHttp2) {
      // Netty's HTTP/2 to HTTP/1 conversion adds these to carry stream details; they are not the client's.
      h.remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
      h.remove(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text());
      h.remove(HttpConversionUtil.ExtensionHeaderNames.PATH.text());
      h.remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_DEPENDENCY_ID.text());
      h.remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_WEIGHT.text());
      h.remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_PROMISE_ID.text());
    }
  }

  static void stripResponse(HttpHeaders h) {
    stripCommon(h);
    h.remove(HttpHeaderNames.UPGRADE);
  }

  private static void stripCommon(HttpHeaders h) {
    String connection = h.get(HttpHeaderNames.CONNECTION);
    if (connection != null) {
      List<String> all = h.getAll(HttpHeaderNames.CONNECTION);
      for (String value : all) {
        for (String token : value.split(",")) {
          String name = token.trim();
          if (!name.isEmpty() && !name.equalsIgnoreCase("close") && !name.equalsIgnoreCase("keep-alive")) {
            h.remove(name);
          }
        }
      }
      h.remove(HttpHeaderNames.CONNECTION);
    }
    h.remove(Headers.KEEP_ALIVE);
    h.remove(Headers.PROXY_CONNECTION);
  }
}
