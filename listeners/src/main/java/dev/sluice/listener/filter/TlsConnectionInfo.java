package dev.sluice.listener.filter;

import dev.sluice.config.ForwardClientCertConfig.ClientCertDetail;
import dev.sluice.tls.verify.XfccElementFormatter;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A terminated TLS connection as the terminal filter sees it: the negotiated ALPN protocol and
 * the peer's certificate. Created once per connection after the handshake and confined to the
 * connection's event loop (HTTP/2 streams run on it too), so the lazily computed values need no
 * synchronization.
 */
public final class TlsConnectionInfo {
  private final String applicationProtocol;
  private final SSLSession session;
  private final List<String> localUriSans;
  private Certificate[] peerChain;
  private boolean peerChainRead;
  private String xfccElement;

  /**
   * @param applicationProtocol the ALPN protocol agreed on, or {@code null} when none was
   * @param localUriSans URI SANs of the certificate this side presented (XFCC's {@code By})
   */
  public TlsConnectionInfo(String applicationProtocol, SSLSession session, List<String> localUriSans) {
    this.applicationProtocol = applicationProtocol == null || applicationProtocol.isEmpty() ? null : applicationProtocol;
    this.session = session;
    this.localUriSans = List.copyOf(localUriSans);
  }

  /** The ALPN protocol ({@code h2}, {@code http/1.1}), or {@code null}. */
  public String applicationProtocol() {
    return applicationProtocol;
  }

  /** True when the client presented a certificate (mutual TLS); Envoy's {@code peerCertificatePresented}. */
  public boolean peerCertificatePresented() {
    return peerChain() != null;
  }

  private Certificate[] peerChain() {
    if (!peerChainRead) {
      peerChainRead = true;
      try {
        Certificate[] chain = session.getPeerCertificates();
        peerChain = chain == null || chain.length == 0 ? null : chain;
      } catch (SSLPeerUnverifiedException e) {
        peerChain = null;
      }
    }
    return peerChain;
  }

  /**
   * This hop's {@code x-forwarded-client-cert} element for the peer, computed on first use and
   * kept for the connection: the details come from the chain's connection manager, which a
   * configuration change replaces rather than edits, so they cannot differ between requests.
   *
   * @throws IllegalStateException when the peer presented no certificate
   */
  public String xfccElement(Set<ClientCertDetail> details) {
    if (xfccElement == null) {
      Certificate[] chain = peerChain();
      if (chain == null) {
        throw new IllegalStateException("no peer certificate on this connection");
      }
      xfccElement = XfccElementFormatter.format(localUriSans, chain, details);
    }
    return xfccElement;
  }
}
