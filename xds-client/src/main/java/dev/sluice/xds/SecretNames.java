package dev.sluice.xds;

import dev.sluice.config.CertificateValidationConfig;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.TlsCertificateConfig;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The secret names that decoded listeners and clusters reference through their TLS contexts. */
final class SecretNames {
  private SecretNames() {}

  static Set<String> of(List<ListenerConfig> listeners, List<ClusterConfig> clusters) {
    Set<String> names = new TreeSet<>();
    for (ListenerConfig l : listeners) {
      for (FilterChainConfig chain : l.allFilterChains()) {
        if (chain.tls() != null) {
          add(chain.tls().commonTlsContext(), names);
        }
      }
    }
    for (ClusterConfig c : clusters) {
      if (c.tls() != null) {
        add(c.tls().commonTlsContext(), names);
      }
    }
    return names;
  }

  private static void add(CommonTlsConfig common, Set<String> names) {
    if (common.certificate() instanceof TlsCertificateConfig.Sds sds) {
      names.add(sds.secretName());
    }
    CertificateValidationConfig validation = common.validationContext();
    if (validation != null && validation.trustedCa() instanceof CertificateValidationConfig.TrustedCa.Sds sds) {
      names.add(sds.secretName());
    }
  }
}
