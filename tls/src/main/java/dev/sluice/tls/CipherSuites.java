package dev.sluice.tls;

import dev.sluice.config.TlsParamsConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Resolves {@code cipher_suites} (OpenSSL names, as Envoy takes them) for a provider. For the JDK
 * the names become their RFC/IANA spellings. Suites of the default list that a provider lacks are
 * dropped quietly (the JDK has no ChaCha20 before Java 12, FIPS builds no ChaCha20 at all);
 * an explicitly configured suite that is unavailable is an error naming it.
 *
 * <p>{@code cipher_suites} governs TLS 1.0-1.2 only. When TLS 1.3 is in range its three suites are
 * added (RFC 8446 section 9.1 makes AES-128-GCM mandatory; all three are AEAD), because the JDK
 * would otherwise offer no TLS 1.3 suite at all; BoringSSL does not let them be configured anyway.
 */
final class CipherSuites {
  static final List<String> TLS13 = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  private static final Map<String, String> OPENSSL_TO_JAVA = Map.ofEntries(
      Map.entry("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
      Map.entry("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
      Map.entry("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
      Map.entry("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
      Map.entry("ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
      Map.entry("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
      Map.entry("ECDHE-ECDSA-AES128-SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
      Map.entry("ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
      Map.entry("ECDHE-ECDSA-AES256-SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
      Map.entry("ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
      Map.entry("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"),
      Map.entry("AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384"),
      Map.entry("AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"),
      Map.entry("AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"));

  private CipherSuites() {}

  private static final class JdkSupported {
    static final Set<String> SUITES = load();

    private static Set<String> load() {
      try {
        return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no default SSLContext in this JDK", e);
      }
    }
  }

  static List<String> resolve(TlsParamsConfig params, SslProvider provider, boolean tls13InRange) {
    boolean explicit = !params.usesDefaultCipherSuites();
    List<String> resolved = new ArrayList<>();
    for (String name : params.cipherSuitesInOrder()) {
      String suite = provider == SslProvider.JDK ? javaName(name) : name;
      boolean available = suite != null && (provider == SslProvider.JDK
          ? JdkSupported.SUITES.contains(suite)
          : OpenSsl.isCipherSuiteAvailable(suite));
      if (available) {
        resolved.add(suite);
      } else if (explicit) {
        throw new TlsMaterialException("cipher suite '" + name + "' in tls_params is not supported by the "
            + provider + " provider");
      }
    }
    if (resolved.isEmpty() && !tls13InRange) {
      throw new TlsMaterialException("no cipher suite of " + params.cipherSuitesInOrder() + " is supported by the "
          + provider + " provider");
    }
    if (tls13InRange) {
      for (String suite : TLS13) {
        if (provider != SslProvider.JDK || JdkSupported.SUITES.contains(suite)) {
          resolved.add(suite);
        }
      }
    }
    return List.copyOf(resolved);
  }

  /** The IANA name of an OpenSSL cipher name; IANA names pass through; null when unknown. */
  static String javaName(String name) {
    if (name.startsWith("TLS_") || name.startsWith("SSL_")) {
      return name;
    }
    return OPENSSL_TO_JAVA.get(name);
  }
}
