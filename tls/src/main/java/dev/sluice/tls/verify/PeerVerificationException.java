package dev.sluice.tls.verify;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Why a peer certificate was refused. Thrown from the trust manager, it surfaces as the cause of
 * the handshake failure with either provider; {@link #reasonOf(Throwable)} finds it again (or
 * recognises a missing certificate, which the TLS library refuses before any trust manager runs).
 */
public final class PeerVerificationException extends CertificateException {
  private static final long serialVersionUID = 1L;

  /** Refusal reasons, each with the Envoy listener/cluster stat it counts under. */
  public enum Reason {
    /** The peer sent no certificate although one is required. */
    NO_PEER_CERTIFICATE("ssl.fail_verify_no_cert"),
    /** No path from the peer's chain to a trusted CA. */
    UNTRUSTED("ssl.fail_verify_error"),
    /** A certificate in the path is past its notAfter. */
    EXPIRED("ssl.fail_verify_error"),
    /** A certificate in the path is before its notBefore. */
    NOT_YET_VALID("ssl.fail_verify_error"),
    /** The path is malformed or violates a PKIX constraint (key usage, signature, ...). */
    INVALID_CHAIN("ssl.fail_verify_error"),
    /** The chain is trusted but no configured SAN matcher matches. */
    SAN_MISMATCH("ssl.fail_verify_san");

    private final String statName;

    Reason(String statName) {
      this.statName = statName;
    }

    /** The Envoy stat under which this failure is counted, e.g. {@code ssl.fail_verify_san}. */
    public String statName() {
      return statName;
    }
  }

  private final Reason reason;

  public PeerVerificationException(Reason reason, String detail) {
    this(reason, detail, null);
  }

  public PeerVerificationException(Reason reason, String detail, Throwable cause) {
    super(reason + ": " + detail, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** The verification failure somewhere in the cause chain of {@code handshakeFailure}. */
  public static Optional<PeerVerificationException> find(Throwable handshakeFailure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = handshakeFailure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
      if (t instanceof PeerVerificationException e) {
        return Optional.of(e);
      }
      for (Throwable suppressed : t.getSuppressed()) {
        if (suppressed instanceof PeerVerificationException e) {
          return Optional.of(e);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The reason a handshake failed on peer verification, or empty when it failed for another
   * reason (protocol, cipher, ALPN, I/O). A missing peer certificate is recognised by the
   * messages of BoringSSL ({@code PEER_DID_NOT_RETURN_A_CERTIFICATE}) and the JDK ("Empty client
   * certificate chain"), because both refuse it before a trust manager is consulted.
   */
  public static Optional<Reason> reasonOf(Throwable handshakeFailure) {
    Optional<PeerVerificationException> found = find(handshakeFailure);
    if (found.isPresent()) {
      return Optional.of(found.get().reason());
    }
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = handshakeFailure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && (message.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE")
          || message.contains("Empty client certificate chain")
          || message.contains("Empty server certificate chain"))) {
        return Optional.of(Reason.NO_PEER_CERTIFICATE);
      }
    }
    return Optional.empty();
  }

  /** Classifies a failure of standard PKIX validation. */
  static Reason classifyPkixFailure(Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    Reason reason = Reason.INVALID_CHAIN;
    for (Throwable t = failure; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException) {
        return Reason.EXPIRED;
      }
      if (t instanceof CertificateNotYetValidException) {
        return Reason.NOT_YET_VALID;
      }
      if (t instanceof CertPathValidatorException e) {
        if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
          return Reason.EXPIRED;
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
          return Reason.NOT_YET_VALID;
        }
      }
      if (t instanceof CertPathBuilderException) {
        reason = Reason.UNTRUSTED;
      }
    }
    return reason;
  }
}
