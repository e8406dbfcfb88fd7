package dev.sluice.listener.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.util.AsciiString;
import java.util.Iterator;

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
    if (h.contains(HttpHeaderNames.CONNECTION)) {
      // Walk the tokens without splitting: the common values "keep-alive" and "close" name no header.
      for (Iterator<? extends CharSequence> it = h.valueCharSequenceIterator(HttpHeaderNames.CONNECTION); it.hasNext(); ) {
        CharSequence value = it.next();
        int start = 0;
        int length = value.length();
        while (start < length) {
          int end = start;
          while (end < length && value.charAt(end) != ',') {
            end++;
          }
          removeListed(h, value, start, end);
          start = end + 1;
        }
      }
      h.remove(HttpHeaderNames.CONNECTION);
    }
    h.remove(Headers.KEEP_ALIVE);
    h.remove(Headers.PROXY_CONNECTION);
  }

  private static void removeListed(HttpHeaders h, CharSequence value, int start, int end) {
    while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
      end--;
    }
    if (end == start) {
      return;
    }
    CharSequence token = value.subSequence(start, end);
    if (!AsciiString.contentEqualsIgnoreCase(token, HttpHeaderValues.CLOSE)
        && !AsciiString.contentEqualsIgnoreCase(token, HttpHeaderValues.KEEP_ALIVE)) {
      h.remove(token);
    }
  }
}
