package dev.sluice.listener.http;

import dev.sluice.config.ForwardClientCertConfig;
import dev.sluice.listener.filter.TlsConnectionInfo;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * {@code x-forwarded-client-cert} handling as Envoy's {@code mutateXfccRequestHeader}: always
 * forward untouched with ALWAYS_FORWARD_ONLY; otherwise remove it unless the connection is mutual
 * TLS and the mode keeps it (FORWARD_ONLY), appends this hop's element (APPEND_FORWARD) or replaces
 * it with that element (SANITIZE_SET). SANITIZE, the default, always removes it.
 */
final class ForwardedClientCert {
  private ForwardedClientCert() {}

  static void apply(HttpHeaders h, ForwardClientCertConfig config, TlsConnectionInfo tls) {
    ForwardClientCertConfig.ForwardClientCertDetails mode = config.forwardClientCertDetails();
    if (mode == ForwardClientCertConfig.ForwardClientCertDetails.ALWAYS_FORWARD_ONLY) {
      return;
    }
    if (mode == ForwardClientCertConfig.ForwardClientCertDetails.SANITIZE
        || tls == null || !tls.peerCertificatePresented()) {
      h.remove(Headers.X_FORWARDED_CLIENT_CERT);
      return;
    }
    switch (mode) {
      case APPEND_FORWARD -> {
        String element = tls.xfccElement(config.setCurrentClientCertDetails());
        // Several header lines are one list (RFC 9110 section 5.3); the element goes at its end.
        String previous = String.join(",", h.getAll(Headers.X_FORWARDED_CLIENT_CERT));
        h.set(Headers.X_FORWARDED_CLIENT_CERT, previous.isEmpty() ? element : previous + "," + element);
      }
      case SANITIZE_SET -> h.set(Headers.X_FORWARDED_CLIENT_CERT, tls.xfccElement(config.setCurrentClientCertDetails()));
      default -> { } // FORWARD_ONLY keeps what the client sent
    }
  }
}
