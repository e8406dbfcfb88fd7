package dev.sluice.tls;

import dev.sluice.tls.verify.PeerCertificateVerifier;
import dev.sluice.tls.verify.SubjectAltNames;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * An immutable TLS context ready for handshakes: the Netty {@link SslContext}, the verifier it
 * checks peers with, and the presented certificate's identity for observability (serial, notAfter,
 * URI SANs for {@code x-forwarded-client-cert}'s {@code By}). Built off the event loops; a
 * connection takes the snapshot current at accept (or connect) and keeps it for its lifetime.
 */
public final class TlsSnapshot {
  private final SslContext sslContext;
  private final PeerCertificateVerifier peerVerifier;
  private final SslProvider provider;
  private final X509Certificate certificate;
  private final List<String> localUriSans;
  private final List<String> warnings;
  private final String origin;
  private final Tickets tickets;

  /** Per-engine override of TLS session tickets, for settings Netty only exposes per connection. */
  enum Tickets {
    LIBRARY_DEFAULT,
    ON,
    OFF
  }

  TlsSnapshot(SslContext sslContext, PeerCertificateVerifier peerVerifier, SslProvider provider,
      X509Certificate certificate, List<String> warnings, String origin, Tickets tickets) {
    this.sslContext = sslContext;
    this.peerVerifier = peerVerifier;
    this.provider = provider;
    this.certificate = certificate;
    this.localUriSans = certificate == null ? List.of() : SubjectAltNames.of(certificate).uris();
    this.warnings = List.copyOf(warnings);
    this.origin = origin;
    this.tickets = tickets;
  }

  public SslContext sslContext() {
    return sslContext;
  }

  public PeerCertificateVerifier peerVerifier() {
    return peerVerifier;
  }

  public SslProvider provider() {
    return provider;
  }

  public boolean isServer() {
    return sslContext.isServer();
  }

  /** The certificate this side presents, or {@code null} (a client without one). */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The presented certificate's serial, or {@code null}. */
  public BigInteger serial() {
    return certificate == null ? null : certificate.getSerialNumber();
  }

  /** When the presented certificate expires (Envoy's {@code days_until_first_cert_expiring} input), or {@code null}. */
  public Instant notAfter() {
    return certificate == null ? null : certificate.getNotAfter().toInstant();
  }

  /** URI SANs of the presented certificate: XFCC's {@code By} values. */
  public List<String> localUriSans() {
    return localUriSans;
  }

  /** Non-fatal problems found while building (expired certificate, unverified upstream, ignored settings). */
  public List<String> warnings() {
    return warnings;
  }

  /** Where the certificate and CA came from. */
  public String origin() {
    return origin;
  }

  /** A server-side handler, or a client-side one without SNI. */
  public SslHandler newHandler(ByteBufAllocator alloc) {
    return applyTickets(sslContext.newHandler(alloc));
  }

  /**
   * A client-side handler that sends {@code peerHost} as SNI (when it is a name, not an address)
   * and keys session resumption by host and port.
   */
  public SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort) {
    return applyTickets(sslContext.newHandler(alloc, peerHost, peerPort));
  }

  /**
   * SSL_OP_NO_TICKET on the connection's SSL object: it governs RFC 5077 tickets in TLS 1.2 and
   * NewSessionTicket in TLS 1.3 (BoringSSL). One JNI call, before the handshake starts.
   */
  private SslHandler applyTickets(SslHandler handler) {
    if (tickets != Tickets.LIBRARY_DEFAULT && handler.engine() instanceof ReferenceCountedOpenSslEngine engine) {
      if (tickets == Tickets.ON) {
        SSL.clearOptions(engine.sslPointer(), SSL.SSL_OP_NO_TICKET);
      } else {
        SSL.setOptions(engine.sslPointer(), SSL.SSL_OP_NO_TICKET);
      }
    }
    return handler;
  }

  @Override
  public String toString() {
    return "TlsSnapshot[" + (isServer() ? "server" : "client") + ", " + provider
        + (certificate == null ? "" : ", serial " + serial().toString(16) + ", notAfter " + notAfter())
        + ", " + peerVerifier + ", from " + origin + "]";
  }
}
