package dev.sluice.config;

import java.util.Objects;

/**
 * Envoy's {@code SubjectAltNameMatcher}: a SAN type and a matcher for its value. For {@code DNS}
 * with an {@code exact} matcher, a wildcard SAN in the peer certificate ({@code *.example.com})
 * matches the exact name ({@code api.example.com}), as Envoy's {@code dnsNameMatch} does.
 */
public record SubjectAltNameMatcher(SanType sanType, StringMatch matcher) {

  /** The GeneralName choices of RFC 5280 section 4.2.1.6 that Envoy matches. */
  public enum SanType {
    EMAIL,
    DNS,
    URI,
    IP_ADDRESS
  }

  public SubjectAltNameMatcher {
    Objects.requireNonNull(sanType, "san_type");
    Objects.requireNonNull(matcher, "matcher");
  }

  /** A URI SAN equal to {@code uri}, the usual way to pin a SPIFFE ID. */
  public static SubjectAltNameMatcher uriExact(String uri) {
    return new SubjectAltNameMatcher(SanType.URI, new StringMatch.Exact(uri, false));
  }

  /** A DNS SAN equal to {@code name} (or a certificate wildcard covering it). */
  public static SubjectAltNameMatcher dnsExact(String name) {
    return new SubjectAltNameMatcher(SanType.DNS, new StringMatch.Exact(name, false));
  }
}
