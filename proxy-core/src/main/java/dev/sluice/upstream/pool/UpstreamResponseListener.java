package dev.sluice.upstream.pool;

import io.netty.handler.codec.http.HttpObject;

/** Receives what an upstream connection reads while it is bound to one request. */
public interface UpstreamResponseListener {
  /** A response head, body chunk or last chunk; the listener owns (and must release) it. */
  void onUpstreamMessage(UpstreamConnection connection, HttpObject message);

  /** The connection finished one read from its socket: a good moment to flush downstream. */
  void onUpstreamReadComplete(UpstreamConnection connection);

  /** The connection closed or failed while bound; {@code cause} may be null for a plain close. */
  void onUpstreamClosed(UpstreamConnection connection, Throwable cause);

  /** The connection's outbound buffer crossed a water mark. */
  void onUpstreamWritabilityChanged(UpstreamConnection connection);
}
