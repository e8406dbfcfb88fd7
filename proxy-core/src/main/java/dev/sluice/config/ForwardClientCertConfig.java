package dev.sluice.config;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The HTTP connection manager's {@code forward_client_cert_details} and
 * {@code set_current_client_cert_details}: what happens to {@code x-forwarded-client-cert} (XFCC).
 * Envoy's default is {@link ForwardClientCertDetails#SANITIZE}.
 */
public record ForwardClientCertConfig(ForwardClientCertDetails forwardClientCertDetails, Set<ClientCertDetail> setCurrentClientCertDetails) {

  /** Envoy's {@code ForwardClientCertDetails}. */
  public enum ForwardClientCertDetails {
    /** Remove XFCC (also what every mode does on a connection without a client certificate, except ALWAYS_FORWARD_ONLY). */
    SANITIZE,
    /** Forward XFCC unchanged on mTLS connections. */
    FORWARD_ONLY,
    /** Append this hop's element to XFCC on mTLS connections. */
    APPEND_FORWARD,
    /** Replace XFCC with this hop's element on mTLS connections. */
    SANITIZE_SET,
    /** Forward XFCC unchanged whatever the connection. */
    ALWAYS_FORWARD_ONLY
  }

  /**
   * Envoy's {@code SetCurrentClientCertDetails} fields. {@code By} and {@code Hash} are always
   * written; these add keys, emitted in this declaration order (Envoy's order).
   */
  public enum ClientCertDetail {
    CERT,
    CHAIN,
    SUBJECT,
    URI,
    DNS
  }

  public static final ForwardClientCertConfig DEFAULT = new ForwardClientCertConfig(ForwardClientCertDetails.SANITIZE, Set.of());

  public ForwardClientCertConfig {
    Objects.requireNonNull(forwardClientCertDetails, "forward_client_cert_details");
    setCurrentClientCertDetails = setCurrentClientCertDetails.isEmpty()
        ? Set.of()
        : Set.copyOf(EnumSet.copyOf(setCurrentClientCertDetails));
  }
}
