package dev.sluice.app;

import dev.sluice.config.CertificateValidationConfig;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.TlsCertificateConfig;

/** What a listener's TLS material depends on. */
final class TlsReferences {
  private TlsReferences() {}

  /** True when a chain of {@code listener} names an SDS secret for its certificate or CA. */
  static boolean usesSds(ListenerConfig listener) {
    for (FilterChainConfig chain : listener.allFilterChains()) {
      if (chain.tls() == null) {
        continue;
      }
      CommonTlsConfig common = chain.tls().commonTlsContext();
      if (common.certificate() instanceof TlsCertificateConfig.Sds) {
        return true;
      }
      CertificateValidationConfig validation = common.validationContext();
      if (validation != null && validation.trustedCa() instanceof CertificateValidationConfig.TrustedCa.Sds) {
        return true;
      }
    }
    return false;
  }
}
