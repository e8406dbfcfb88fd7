package dev.sluice.tls.verify;

import dev.sluice.config.SubjectAltNameMatcher.SanType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The subject alternative names of a certificate by type, with values spelled as Envoy spells them
 * (IPv6 addresses in RFC 5952 compressed form, as {@code inet_ntop} writes them).
 */
public record SubjectAltNames(List<String> emails, List<String> dnsNames, List<String> uris, List<String> ipAddresses) {
  // GeneralName tags, RFC 5280 section 4.2.1.6.
  private static final int RFC822_NAME = 1;
  private static final int DNS_NAME = 2;
  private static final int URI = 6;
  private static final int IP_ADDRESS = 7;

  public SubjectAltNames {
    emails = List.copyOf(emails);
    dnsNames = List.copyOf(dnsNames);
    uris = List.copyOf(uris);
    ipAddresses = List.copyOf(ipAddresses);
  }

  /** The SANs of {@code certificate}; none when it has no (or an unparsable) SAN extension. */
  public static SubjectAltNames of(X509Certificate certificate) {
    List<String> emails = new ArrayList<>();
    List<String> dns = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      names = null;
    }
    if (names != null) {
      for (List<?> name : names) {
        if (name.size() < 2 || !(name.get(0) instanceof Integer tag) || !(name.get(1) instanceof String value)) {
          continue;
        }
        switch (tag) {
          case RFC822_NAME -> emails.add(value);
          case DNS_NAME -> dns.add(value);
          case URI -> uris.add(value);
          case IP_ADDRESS -> ips.add(canonicalIp(value));
          default -> { }
        }
      }
    }
    return new SubjectAltNames(emails, dns, uris, ips);
  }

  /** The values of one SAN type. */
  public List<String> values(SanType type) {
    return switch (type) {
      case EMAIL -> emails;
      case DNS -> dnsNames;
      case URI -> uris;
      case IP_ADDRESS -> ipAddresses;
    };
  }

  public boolean isEmpty() {
    return emails.isEmpty() && dnsNames.isEmpty() && uris.isEmpty() && ipAddresses.isEmpty();
  }

  @Override
  public String toString() {
    List<String> all = new ArrayList<>();
    uris.forEach(v -> all.add("URI:" + v));
    dnsNames.forEach(v -> all.add("DNS:" + v));
    ipAddresses.forEach(v -> all.add("IP:" + v));
    emails.forEach(v -> all.add("EMAIL:" + v));
    return all.toString();
  }

  private static String canonicalIp(String literal) {
    if (literal.indexOf(':') < 0) {
      return literal; // IPv4 dotted quad, already Envoy's spelling.
    }
    try {
      // A string with ':' is parsed as an IPv6 literal and never resolved.
      byte[] bytes = InetAddress.getByName(literal).getAddress();
      return bytes.length == 16 ? compressIpv6(bytes) : literal;
    } catch (UnknownHostException e) {
      return literal;
    }
  }

  /** RFC 5952 section 4: lower-case hex, no leading zeros, the longest run (2+) of zero groups as {@code ::}. */
  static String compressIpv6(byte[] address) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 0;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength && j - i >= 2) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }
}
