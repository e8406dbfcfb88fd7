package dev.sluice.tls;

import dev.sluice.common.Ticker;
import dev.sluice.config.CertificateValidationConfig;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.SecretConfig;
import dev.sluice.config.TlsCertificateConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads every certificate, key and CA bundle that a configuration gives directly (inline or by
 * file; SDS secrets from a management server arrive later and are not checked here) and reports
 * what cannot be used, naming where it is configured. {@code sluice validate} runs it, so that a
 * key that does not match its certificate is found before the proxy is started with it.
 */
public final class StaticTlsMaterial {
  private StaticTlsMaterial() {}

  /** One message per unusable piece of material; empty when everything loads. */
  public static List<String> problems(List<ListenerConfig> listeners, List<ClusterConfig> clusters,
      Map<String, SecretConfig> secrets, Ticker ticker) {
    List<String> problems = new ArrayList<>();
    for (ListenerConfig listener : listeners) {
      for (FilterChainConfig chain : listener.allFilterChains()) {
        if (chain.tls() != null) {
          check("listener '" + listener.name() + "': filter chain '" + chain.name() + "'",
              chain.tls().commonTlsContext(), ticker, problems);
        }
      }
    }
    for (ClusterConfig cluster : clusters) {
      if (cluster.tls() != null) {
        check("cluster '" + cluster.name() + "'", cluster.tls().commonTlsContext(), ticker, problems);
      }
    }
    for (SecretConfig secret : secrets.values()) {
      String where = "secret '" + secret.name() + "'";
      if (secret.tlsCertificate() != null) {
        load(where, () -> PemLoader.certificate(secret.tlsCertificate(), ticker), problems);
      }
      if (secret.trustedCa() != null) {
        load(where, () -> PemLoader.trustBundle(secret.trustedCa(), ticker), problems);
      }
    }
    return problems;
  }

  private static void check(String where, CommonTlsConfig common, Ticker ticker, List<String> problems) {
    if (common.certificate() instanceof TlsCertificateConfig.Static material) {
      load(where, () -> PemLoader.certificate(material, ticker), problems);
    }
    CertificateValidationConfig validation = common.validationContext();
    if (validation != null && validation.trustedCa() instanceof CertificateValidationConfig.TrustedCa.Static ca) {
      load(where, () -> PemLoader.trustBundle(ca.pem(), ticker), problems);
    }
  }

  private static void load(String where, Runnable loading, List<String> problems) {
    try {
      loading.run();
    } catch (TlsMaterialException e) {
      problems.add(where + ": " + e.getMessage());
    }
  }
}
