package dev.sluice.tls.verify;

import dev.sluice.config.ForwardClientCertConfig.ClientCertDetail;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Formats this hop's element of Envoy's {@code x-forwarded-client-cert} header (Envoy docs,
 * "HTTP header manipulation"; {@code ConnectionManagerUtility::mutateXfccRequestHeader}).
 *
 * <p>Keys and order as Envoy writes them: {@code By=} once per URI SAN of the local certificate,
 * {@code Hash=} the lower-case hex SHA-256 of the peer certificate's DER, then the
 * {@code set_current_client_cert_details} in Envoy's order: {@code Cert="<url-encoded PEM>"},
 * {@code Chain="<url-encoded PEM chain>"}, {@code Subject="<RFC 2253 subject>"} (always quoted,
 * present even when empty), {@code URI=} once per URI SAN (an empty {@code URI=} when there is
 * none), {@code DNS=} once per DNS SAN. Pairs are joined with {@code ;}. Following the documented
 * rule, a value containing {@code ,} {@code ;} {@code =} or {@code "} is double-quoted with inner
 * quotes escaped as {@code \"} (Envoy itself leaves {@code By} and {@code URI} unescaped; SPIFFE
 * IDs and DNS names never contain those characters, so the output is the same).
 *
 * <p>The element depends only on the connection, so compute it once per connection, not per request.
 */
public final class XfccElementFormatter {
  private static final HexFormat HEX = HexFormat.of();

  private XfccElementFormatter() {}

  /**
   * The element for one peer.
   *
   * @param localUriSans URI SANs of the certificate this proxy presented on the connection
   * @param peerChain the peer's chain, leaf first; must not be empty
   * @param details Envoy's {@code set_current_client_cert_details}
   */
  public static String format(List<String> localUriSans, List<X509Certificate> peerChain, Set<ClientCertDetail> details) {
    if (peerChain.isEmpty()) {
      throw new IllegalArgumentException("an XFCC element needs the peer's certificate");
    }
    X509Certificate peer = peerChain.get(0);
    StringBuilder out = new StringBuilder(256);
    for (String by : localUriSans) {
      pair(out, "By", quoteIfNeeded(by));
    }
    pair(out, "Hash", sha256Hex(der(peer)));
    SubjectAltNames sans = SubjectAltNames.of(peer);
    for (ClientCertDetail detail : ClientCertDetail.values()) {
      if (!details.contains(detail)) {
        continue;
      }
      switch (detail) {
        case CERT -> pair(out, "Cert", '"' + urlEncode(pem(List.of(peer))) + '"');
        case CHAIN -> pair(out, "Chain", '"' + urlEncode(pem(peerChain)) + '"');
        case SUBJECT -> pair(out, "Subject", quote(peer.getSubjectX500Principal().getName(X500Principal.RFC2253)));
        case URI -> {
          if (sans.uris().isEmpty()) {
            pair(out, "URI", "");
          }
          for (String uri : sans.uris()) {
            pair(out, "URI", quoteIfNeeded(uri));
          }
        }
        case DNS -> {
          for (String dns : sans.dnsNames()) {
            pair(out, "DNS", quoteIfNeeded(dns));
          }
        }
      }
    }
    return out.toString();
  }

  /** The element for the peer chain of a TLS session ({@code SSLSession.getPeerCertificates()}). */
  public static String format(List<String> localUriSans, Certificate[] peerChain, Set<ClientCertDetail> details) {
    List<X509Certificate> chain = new ArrayList<>(peerChain.length);
    for (Certificate certificate : peerChain) {
      chain.add((X509Certificate) certificate);
    }
    return format(localUriSans, chain, details);
  }

  /** Lower-case hex SHA-256 of the certificate's DER encoding, Envoy's {@code Hash} value. */
  public static String sha256Hex(byte[] der) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
    }
  }

  private static void pair(StringBuilder out, String key, String value) {
    if (out.length() > 0) {
      out.append(';');
    }
    out.append(key).append('=').append(value);
  }

  private static String quoteIfNeeded(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ',' || c == ';' || c == '=' || c == '"') {
        return quote(value);
      }
    }
    return value;
  }

  private static String quote(String value) {
    return '"' + value.replace("\"", "\\\"") + '"';
  }

  private static byte[] der(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("peer certificate cannot be encoded: " + e.getMessage(), e);
    }
  }

  private static String pem(List<X509Certificate> chain) {
    Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
    StringBuilder out = new StringBuilder();
    for (X509Certificate certificate : chain) {
      out.append("-----BEGIN CERTIFICATE-----\n")
          .append(base64.encodeToString(der(certificate)))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return out.toString();
  }

  /** Percent-encodes everything but RFC 3986 unreserved characters. */
  private static String urlEncode(String value) {
    StringBuilder out = new StringBuilder(value.length() * 2);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
