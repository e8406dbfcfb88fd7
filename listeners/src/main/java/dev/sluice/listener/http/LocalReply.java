package dev.sluice.listener.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Responses the proxy makes itself. Bodies are Envoy's where Envoy has one, so that clients and
 * operators see familiar text ("no healthy upstream", "upstream request timeout").
 */
final class LocalReply {
  static final String NO_HEALTHY_UPSTREAM = "no healthy upstream";
  static final String CLUSTER_NOT_FOUND = "cluster not found";
  static final String UPSTREAM_TIMEOUT = "upstream request timeout";
  static final String CONNECT_FAILURE =
      "upstream connect error or disconnect/reset before headers. reset reason: connection failure";
  static final String UPSTREAM_RESET =
      "upstream connect error or disconnect/reset before headers. reset reason: connection termination";
  static final String BAD_REQUEST = "Bad Request";
  static final String HEADERS_TOO_LARGE = "Request Header Fields Too Large";
  static final String URI_TOO_LONG = "URI Too Long";

  private static final FullHttpResponse CONTINUE =
      new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER);

  private LocalReply() {}

  /** An interim 100 Continue, shared and never modified. */
  static FullHttpResponse continueResponse() {
    return CONTINUE.retainedDuplicate();
  }

  static FullHttpResponse of(ByteBufAllocator alloc, int status, String body, String contentType) {
    FullHttpResponse r;
    if (body == null || body.isEmpty()) {
      r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.EMPTY_BUFFER);
    } else {
      r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
          ByteBufUtil.writeUtf8(alloc, body));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    }
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    return r;
  }

  static FullHttpResponse text(ByteBufAllocator alloc, int status, String body) {
    return of(alloc, status, body, HttpHeaderValues.TEXT_PLAIN.toString());
  }
}
