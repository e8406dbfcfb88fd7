package dev.sluice.tls;

import dev.sluice.config.UpstreamTlsConfig;
import dev.sluice.tls.verify.PeerVerificationException;
import dev.sluice.upstream.UpstreamTls;
import dev.sluice.upstream.UpstreamTlsProvider;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import java.util.List;
import java.util.Objects;

/**
 * TLS origination for clusters: each cluster's {@code UpstreamTlsContext} becomes a
 * {@link RotatingTlsContext} on the shared factory (so equal settings share one SslContext) that
 * follows its certificate and CA sources.
 */
public final class UpstreamTlsContexts implements UpstreamTlsProvider {
  private static final String CONNECTION_ERROR = "ssl.connection_error";

  private final TlsContextFactory factory;
  private final CertificateSourceRegistry sources;

  public UpstreamTlsContexts(TlsContextFactory factory, CertificateSourceRegistry sources) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.sources = Objects.requireNonNull(sources, "sources");
  }

  @Override
  public UpstreamTls create(String clusterName, UpstreamTlsConfig config) {
    return new ClusterTls(factory.clientContext("cluster '" + clusterName + "'", config, sources), config);
  }

  /** One cluster's origination: a handler per connection from the context's current snapshot. */
  private static final class ClusterTls implements UpstreamTls {
    private final RotatingTlsContext context;
    private final String sni;
    private final boolean autoHostSni;

    ClusterTls(RotatingTlsContext context, UpstreamTlsConfig config) {
      this.context = context;
      this.sni = config.sni().isEmpty() ? null : config.sni();
      this.autoHostSni = config.autoHostSni();
    }

    /**
     * Envoy sends the configured SNI, else with auto_host_sni the host's name, else none. The
     * host:port form of the handler also keys client session resumption; Netty sends SNI for names
     * only, so an address literal still gets resumption without SNI. A name that must not be
     * sent gets neither.
     */
    @Override
    public SslHandler newHandler(ByteBufAllocator alloc, String host, int port) {
      TlsSnapshot snapshot = context.current();
      if (snapshot == null) {
        return null;
      }
      if (sni != null) {
        return snapshot.newHandler(alloc, sni, port);
      }
      if (autoHostSni || NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
        return snapshot.newHandler(alloc, host, port);
      }
      return snapshot.newHandler(alloc);
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> ready() {
      return context.ready().thenApply(snapshot -> null);
    }

    @Override
    public String notReadyReason() {
      List<String> waiting = context.waitingFor();
      String reason = waiting.isEmpty() ? "not built" : "waiting for " + String.join(" and ", waiting);
      return context.lastError().map(error -> reason + " (last error: " + error + ")").orElse(reason);
    }

    @Override
    public String failureStat(Throwable handshakeFailure) {
      return PeerVerificationException.reasonOf(handshakeFailure)
          .map(PeerVerificationException.Reason::statName)
          .orElse(CONNECTION_ERROR);
    }

    @Override
    public void close() {
      context.close();
    }

    @Override
    public String toString() {
      return "UpstreamTls[" + context.name() + (sni != null ? ", sni " + sni : autoHostSni ? ", auto host sni" : "") + "]";
    }
  }
}
