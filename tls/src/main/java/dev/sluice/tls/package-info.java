/**
 * TLS contexts from the Envoy-shaped records of {@code dev.sluice.config}: one
 * {@link dev.sluice.tls.TlsContextFactory} (BoringSSL through netty-tcnative, JDK as fallback, the
 * choice made once) builds immutable {@link dev.sluice.tls.TlsSnapshot}s off the event loops;
 * {@link dev.sluice.tls.RotatingTlsContext} swaps a new snapshot in whenever a
 * {@link dev.sluice.tls.CertificateSource} (inline, watched files, SDS) delivers new material, so
 * new handshakes use it and established connections are untouched.
 * {@link dev.sluice.tls.UpstreamTlsContexts} gives the cluster manager its per-cluster TLS origination.
 */
package dev.sluice.tls;
