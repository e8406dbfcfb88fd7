package dev.sluice.tls.verify;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A SPIFFE ID, {@code spiffe://<trust-domain>/<path>}, validated as the SPIFFE-ID specification
 * (section 2) requires: lower-case scheme, a trust domain of {@code [a-z0-9._-]} without port or
 * user info, path segments of {@code [A-Za-z0-9._-]} that are neither empty, {@code .} nor
 * {@code ..}, no trailing slash, query or fragment, at most 2048 bytes in all. Istio's workload
 * identities have the path {@code /ns/<namespace>/sa/<service-account>}.
 */
public final class SpiffeId {
  private static final String SCHEME = "spiffe://";
  private static final int MAX_LENGTH = 2048;
  private static final int MAX_TRUST_DOMAIN_LENGTH = 255;

  private final String trustDomain;
  private final String path;

  private SpiffeId(String trustDomain, String path) {
    this.trustDomain = trustDomain;
    this.path = path;
  }

  /**
   * Parses {@code uri}.
   *
   * @throws IllegalArgumentException naming the rule that {@code uri} breaks
   */
  public static SpiffeId parse(String uri) {
    Objects.requireNonNull(uri, "uri");
    String problem = problemWith(uri);
    if (problem != null) {
      throw new IllegalArgumentException("invalid SPIFFE ID '" + uri + "': " + problem);
    }
    int slash = uri.indexOf('/', SCHEME.length());
    return slash < 0
        ? new SpiffeId(uri.substring(SCHEME.length()), "")
        : new SpiffeId(uri.substring(SCHEME.length(), slash), uri.substring(slash));
  }

  /** The ID in {@code uri}, or empty when {@code uri} is not a valid SPIFFE ID. */
  public static Optional<SpiffeId> tryParse(String uri) {
    return uri == null || problemWith(uri) != null ? Optional.empty() : Optional.of(parse(uri));
  }

  /** Istio's identity for a Kubernetes service account: {@code spiffe://<td>/ns/<ns>/sa/<sa>}. */
  public static SpiffeId ofServiceAccount(String trustDomain, String namespace, String serviceAccount) {
    return parse(SCHEME + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount);
  }

  public String trustDomain() {
    return trustDomain;
  }

  /** The path, starting with {@code /}, or empty for the trust domain's own ID. */
  public String path() {
    return path;
  }

  /** The namespace of an Istio-style ID ({@code /ns/<ns>/sa/<sa>}). */
  public Optional<String> namespace() {
    String[] parts = istioParts();
    return parts == null ? Optional.empty() : Optional.of(parts[0]);
  }

  /** The service account of an Istio-style ID ({@code /ns/<ns>/sa/<sa>}). */
  public Optional<String> serviceAccount() {
    String[] parts = istioParts();
    return parts == null ? Optional.empty() : Optional.of(parts[1]);
  }

  private String[] istioParts() {
    if (!path.startsWith("/ns/")) {
      return null;
    }
    int sa = path.indexOf("/sa/", 4);
    if (sa <= 4) {
      return null;
    }
    String namespace = path.substring(4, sa);
    String account = path.substring(sa + 4);
    if (namespace.indexOf('/') >= 0 || account.isEmpty() || account.indexOf('/') >= 0) {
      return null;
    }
    return new String[] {namespace, account};
  }

  private static String problemWith(String uri) {
    if (uri.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH) {
      return "longer than " + MAX_LENGTH + " bytes";
    }
    if (!uri.startsWith(SCHEME)) {
      return "scheme must be 'spiffe://' in lower case";
    }
    int slash = uri.indexOf('/', SCHEME.length());
    String trustDomain = slash < 0 ? uri.substring(SCHEME.length()) : uri.substring(SCHEME.length(), slash);
    if (trustDomain.isEmpty()) {
      return "trust domain is empty";
    }
    if (trustDomain.length() > MAX_TRUST_DOMAIN_LENGTH) {
      return "trust domain is longer than " + MAX_TRUST_DOMAIN_LENGTH + " characters";
    }
    for (int i = 0; i < trustDomain.length(); i++) {
      char c = trustDomain.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')) {
        return "trust domain has '" + c + "'; only a-z 0-9 . - _ are allowed (no upper case, port or user info)";
      }
    }
    if (slash < 0) {
      return null;
    }
    String path = uri.substring(slash);
    if (path.endsWith("/")) {
      return "path has a trailing '/'";
    }
    int start = 1;
    for (int i = 1; i <= path.length(); i++) {
      if (i == path.length() || path.charAt(i) == '/') {
        String segment = path.substring(start, i);
        if (segment.isEmpty()) {
          return "path has an empty segment";
        }
        if (segment.equals(".") || segment.equals("..")) {
          return "path has a '" + segment + "' segment";
        }
        start = i + 1;
      } else {
        char c = path.charAt(i);
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '.' || c == '-' || c == '_')) {
          return "path has '" + c + "'; only A-Z a-z 0-9 . - _ are allowed (no query, fragment or percent-encoding)";
        }
      }
    }
    return null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpiffeId other && other.trustDomain.equals(trustDomain) && other.path.equals(path);
  }

  @Override
  public int hashCode() {
    return trustDomain.hashCode() * 31 + path.hashCode();
  }

  @Override
  public String toString() {
    return SCHEME + trustDomain + path;
  }
}
