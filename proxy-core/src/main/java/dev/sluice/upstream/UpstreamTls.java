package dev.sluice.upstream;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.CompletableFuture;

/**
 * TLS origination for one cluster's connections (its {@code UpstreamTlsContext}). Implemented by
 * the tls module, which proxy-core does not know; the cluster manager obtains one per cluster from
 * an {@link UpstreamTlsProvider}.
 */
public interface UpstreamTls extends AutoCloseable {

  /**
   * A client handler for a new connection, or {@code null} while the context still waits for its
   * certificate or CA (an SDS secret not yet delivered): the connection attempt then fails.
   *
   * @param host the endpoint's configured host name (or address), sent as SNI when the context says so
   */
  SslHandler newHandler(ByteBufAllocator alloc, String host, int port);

  /**
   * Completes once the context has its first certificate and CA. Cluster initialisation waits for
   * it (bounded by the caller), as Envoy's clusters wait for their secrets before they count as
   * initialised; until then {@link #newHandler} returns {@code null}.
   */
  default CompletableFuture<Void> ready() {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Why {@link #newHandler} returns {@code null}, completing "TLS context ...", e.g.
   * {@code waiting for sds secret 'default'}; connect failures carry it to the operator.
   */
  default String notReadyReason() {
    return "not ready";
  }

  /**
   * The statistic a failed handshake counts under, below {@code cluster.<name>.}: Envoy's
   * {@code ssl.fail_verify_san}, {@code ssl.fail_verify_error}, {@code ssl.fail_verify_no_cert},
   * or {@code ssl.connection_error} for anything else.
   */
  String failureStat(Throwable handshakeFailure);

  /** Stops watching certificate sources. */
  @Override
  void close();
}
