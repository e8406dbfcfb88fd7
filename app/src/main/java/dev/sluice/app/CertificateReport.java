package dev.sluice.app;

import dev.sluice.tls.RotatingTlsContext;
import dev.sluice.tls.TlsSnapshot;
import dev.sluice.tls.verify.SubjectAltNames;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The admin view of the certificates in use: {@code /certs} (shaped after Envoy's, one entry per
 * TLS context with the certificate it presents now) and Envoy's
 * {@code server.days_until_first_cert_expiring}.
 */
final class CertificateReport {
  private CertificateReport() {}

  /** Whole days until the first presented certificate expires (negative once expired); -1 without any. */
  static long daysUntilFirstExpiring(List<RotatingTlsContext> contexts, Instant now) {
    Instant first = null;
    for (RotatingTlsContext context : contexts) {
      TlsSnapshot snapshot = context.current();
      if (snapshot != null && snapshot.notAfter() != null && (first == null || snapshot.notAfter().isBefore(first))) {
        first = snapshot.notAfter();
      }
    }
    return first == null ? -1 : Duration.between(now, first).toDays();
  }

  static String json(List<RotatingTlsContext> contexts, Instant now) {
    StringBuilder b = new StringBuilder("{\"certificates\":[");
    boolean firstContext = true;
    for (RotatingTlsContext context : contexts) {
      b.append(firstContext ? "" : ",").append("{\"name\":").append(Json.quote(context.name()));
      firstContext = false;
      TlsSnapshot snapshot = context.current();
      X509Certificate certificate = snapshot == null ? null : snapshot.certificate();
      b.append(",\"cert_chain\":[");
      if (certificate != null) {
        SubjectAltNames sans = SubjectAltNames.of(certificate);
        b.append("{\"origin\":").append(Json.quote(snapshot.origin()))
            .append(",\"serial_number\":").append(Json.quote(certificate.getSerialNumber().toString(16)))
            .append(",\"subject\":").append(Json.quote(certificate.getSubjectX500Principal().getName()))
            .append(",\"subject_alt_names\":[");
        boolean firstSan = true;
        for (String uri : sans.uris()) {
          b.append(firstSan ? "" : ",").append("{\"uri\":").append(Json.quote(uri)).append('}');
          firstSan = false;
        }
        for (String dns : sans.dnsNames()) {
          b.append(firstSan ? "" : ",").append("{\"dns\":").append(Json.quote(dns)).append('}');
          firstSan = false;
        }
        b.append("],\"valid_from\":").append(Json.quote(certificate.getNotBefore().toInstant().toString()))
            .append(",\"expiration_time\":").append(Json.quote(snapshot.notAfter().toString()))
            .append(",\"days_until_expiration\":").append(Duration.between(now, snapshot.notAfter()).toDays())
            .append('}');
      }
      b.append("],\"waiting_for\":[");
      boolean firstWait = true;
      for (String waiting : context.waitingFor()) {
        b.append(firstWait ? "" : ",").append(Json.quote(waiting));
        firstWait = false;
      }
      b.append(']');
      context.lastError().ifPresent(error -> b.append(",\"last_error\":").append(Json.quote(error)));
      b.append('}');
    }
    return b.append("]}").toString();
  }
}
