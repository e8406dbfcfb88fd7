package dev.sluice.tls.verify;

import dev.sluice.config.SubjectAltNameMatcher;
import dev.sluice.tls.verify.PeerVerificationException.Reason;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies a peer the way Envoy's default certificate validator does: first the chain against the
 * trusted CAs (standard PKIX, through the JDK's PKIX trust manager, which also enforces validity
 * dates, key usage and algorithm constraints), then {@code match_typed_subject_alt_names} with
 * any-of semantics. Without trusted CAs a presented chain is accepted unverified, which is Envoy's
 * behaviour when no {@code trusted_ca} is configured (config validation refuses SAN matchers then).
 *
 * <p>Immutable and stateless: one instance serves every handshake of the contexts built with it.
 * Rejections throw {@link PeerVerificationException} with a reason and the peer's identity.
 */
public final class PeerCertificateVerifier extends X509ExtendedTrustManager {
  private static final X509Certificate[] NO_CERTIFICATES = new X509Certificate[0];

  private final List<X509Certificate> trustedCas;
  private final X509ExtendedTrustManager pkix;
  private final List<SanMatcher> sanMatchers;
  private final boolean matchSniAsDnsSan;

  private PeerCertificateVerifier(List<X509Certificate> trustedCas, X509ExtendedTrustManager pkix,
      List<SanMatcher> sanMatchers, boolean matchSniAsDnsSan) {
    this.trustedCas = trustedCas;
    this.pkix = pkix;
    this.sanMatchers = sanMatchers;
    this.matchSniAsDnsSan = matchSniAsDnsSan;
  }

  /**
   * A verifier for peers chaining to {@code trustedCas}.
   *
   * @param trustedCas trust anchors; empty accepts any chain unverified (and then no SAN matcher may be given)
   * @param sanMatchers Envoy's {@code match_typed_subject_alt_names}; empty accepts any SAN
   * @param matchSniAsDnsSan Envoy's {@code auto_sni_san_validation} (clients only): instead of
   *     {@code sanMatchers}, a DNS SAN must match the SNI the handshake sent
   */
  public static PeerCertificateVerifier create(List<X509Certificate> trustedCas, List<SubjectAltNameMatcher> sanMatchers,
      boolean matchSniAsDnsSan) {
    List<X509Certificate> cas = List.copyOf(trustedCas);
    if (cas.isEmpty() && (!sanMatchers.isEmpty() || matchSniAsDnsSan)) {
      throw new IllegalArgumentException("SAN matching without trusted CAs would trust spoofable names");
    }
    List<SanMatcher> matchers = sanMatchers.stream().map(SanMatcher::compile).toList();
    return new PeerCertificateVerifier(cas, cas.isEmpty() ? null : pkixTrustManager(cas), matchers, matchSniAsDnsSan);
  }

  /** A verifier that accepts any presented chain: Envoy without {@code trusted_ca}. */
  public static PeerCertificateVerifier acceptingAny() {
    return create(List.of(), List.of(), false);
  }

  /** True when peer chains are checked against trusted CAs. */
  public boolean verifiesChain() {
    return pkix != null;
  }

  public List<X509Certificate> trustedCas() {
    return trustedCas;
  }

  public List<SanMatcher> sanMatchers() {
    return sanMatchers;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    verify(chain, authType, engine, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    verify(chain, authType, engine, false);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    verify(chain, authType, null, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    verify(chain, authType, null, false);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    verify(chain, authType, null, true);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    verify(chain, authType, null, false);
  }

  /**
   * None, on purpose: these become the {@code certificate_authorities} of a server's
   * CertificateRequest (RFC 8446 section 4.2.4), and clients then withhold certificates from other
   * CAs, turning "untrusted CA" into "no certificate". Envoy sends no CA names either.
   */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NO_CERTIFICATES;
  }

  private void verify(X509Certificate[] chain, String authType, SSLEngine engine, boolean peerIsClient)
      throws PeerVerificationException {
    if (chain == null || chain.length == 0) {
      throw new PeerVerificationException(Reason.NO_PEER_CERTIFICATE,
          (peerIsClient ? "client" : "server") + " presented no certificate");
    }
    if (pkix == null) {
      return;
    }
    try {
      if (peerIsClient) {
        pkix.checkClientTrusted(chain, authType, engine);
      } else {
        pkix.checkServerTrusted(chain, authType, engine);
      }
    } catch (CertificateException e) {
      Reason reason = PeerVerificationException.classifyPkixFailure(e);
      throw new PeerVerificationException(reason, describe(chain[0]) + " failed chain verification against "
          + trustedCas.size() + " trusted CA(s): " + rootMessage(e), e);
    }
    if (matchSniAsDnsSan && !peerIsClient) {
      verifySni(chain[0], engine);
    } else if (!sanMatchers.isEmpty()) {
      verifySans(chain[0]);
    }
  }

  private void verifySans(X509Certificate leaf) throws PeerVerificationException {
    SubjectAltNames sans = SubjectAltNames.of(leaf);
    for (SanMatcher matcher : sanMatchers) {
      if (matcher.matches(sans)) {
        return;
      }
    }
    throw new PeerVerificationException(Reason.SAN_MISMATCH,
        describe(leaf) + " has SANs " + sans + "; none matches " + sanMatchers);
  }

  private static void verifySni(X509Certificate leaf, SSLEngine engine) throws PeerVerificationException {
    String sni = engine == null ? null : engine.getPeerHost();
    if (sni == null || sni.isEmpty()) {
      throw new PeerVerificationException(Reason.SAN_MISMATCH,
          "auto_sni_san_validation is on but the handshake sent no SNI to check " + describe(leaf) + " against");
    }
    SubjectAltNames sans = SubjectAltNames.of(leaf);
    for (String pattern : sans.dnsNames()) {
      if (SanMatcher.dnsNameMatches(sni, pattern)) {
        return;
      }
    }
    throw new PeerVerificationException(Reason.SAN_MISMATCH,
        describe(leaf) + " has SANs " + sans + "; no DNS SAN matches the SNI '" + sni + "'");
  }

  /** A short identity for messages: subject, serial, and the SPIFFE ID when there is one. */
  static String describe(X509Certificate certificate) {
    StringBuilder out = new StringBuilder("peer certificate '")
        .append(certificate.getSubjectX500Principal().getName())
        .append("' (serial ").append(certificate.getSerialNumber().toString(16));
    for (String uri : SubjectAltNames.of(certificate).uris()) {
      if (SpiffeId.tryParse(uri).isPresent()) {
        out.append(", ").append(uri);
        break;
      }
    }
    return out.append(')').toString();
  }

  /** The innermost message: the JDK wraps the useful one ("validity check failed", ...) in generic ones. */
  private static String rootMessage(Throwable failure) {
    String message = failure.getClass().getSimpleName();
    int depth = 0;
    for (Throwable t = failure; t != null && depth < 8; t = t.getCause(), depth++) {
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message;
  }

  private static X509ExtendedTrustManager pkixTrustManager(List<X509Certificate> cas) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager extended) {
          return extended;
        }
      }
      throw new IllegalStateException("the PKIX TrustManagerFactory returned no X509ExtendedTrustManager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot initialise PKIX trust for " + cas.size() + " CA(s): " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "PeerCertificateVerifier[trustedCas=" + trustedCas.size() + ", sanMatchers=" + sanMatchers
        + (matchSniAsDnsSan ? ", sni as DNS SAN" : "") + "]";
  }
}
