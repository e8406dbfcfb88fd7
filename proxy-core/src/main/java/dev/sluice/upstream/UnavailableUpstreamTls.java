package dev.sluice.upstream;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;

/**
 * Stands in for a cluster's TLS when it could not be created, so that the cluster still updates and
 * its connections fail with the reason instead of silently going out in plaintext.
 */
final class UnavailableUpstreamTls implements UpstreamTls {
  private final String reason;

  UnavailableUpstreamTls(String reason) {
    this.reason = reason;
  }

  @Override
  public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
    return null;
  }

  @Override
  public String notReadyReason() {
    return "not created: " + reason;
  }

  @Override
  public String failureStat(Throwable handshakeFailure) {
    return "ssl.connection_error";
  }

  @Override
  public void close() {}
}
