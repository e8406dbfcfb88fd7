package dev.sluice.listener.http;

import io.netty.util.AsciiString;

/** Header names the connection manager sets, as cached ASCII strings. */
final class Headers {
  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
  static final AsciiString X_FORWARDED_CLIENT_CERT = AsciiString.cached("x-forwarded-client-cert");
  static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
  static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");

  private Headers() {}
}
