/**
 * Peer identity: verification of a peer's certificate chain against a CA bundle (standard PKIX)
 * followed by Envoy's {@code match_typed_subject_alt_names}, SPIFFE IDs, and the
 * {@code x-forwarded-client-cert} element that carries a verified peer's identity to backends.
 * Every rejection carries a {@link dev.sluice.tls.verify.PeerVerificationException.Reason} and a
 * precise message for logs and counters.
 */
package dev.sluice.tls.verify;
