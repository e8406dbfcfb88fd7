package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/**
 * Envoy's {@code CertificateValidationContext} subset: the CA bundle peers are checked against and
 * {@code match_typed_subject_alt_names} (any-of). Without a trusted CA a presented peer certificate
 * is not verified at all, as in Envoy; SAN matchers then are refused, because a SAN is only as
 * good as the chain that vouches for it (Envoy rejects the same combination).
 *
 * <p>A {@link TrustedCa.Sds} CA with static SAN matchers is the shape of Envoy's
 * {@code combined_validation_context}, which is how Istio delivers its root ("ROOTCA").
 *
 * @param trustedCa where the CA bundle comes from, or {@code null} for no verification
 */
public record CertificateValidationConfig(TrustedCa trustedCa, List<SubjectAltNameMatcher> matchTypedSubjectAltNames) {

  /** Where a PEM CA bundle comes from. */
  public sealed interface TrustedCa {
    /** Envoy's {@code trusted_ca}. */
    record Static(DataSource pem) implements TrustedCa {
      public Static {
        Objects.requireNonNull(pem, "trusted_ca");
      }
    }

    /** Envoy's {@code validation_context_sds_secret_config}: the CA arrives as the secret {@code secretName}. */
    record Sds(String secretName) implements TrustedCa {
      public Sds {
        Objects.requireNonNull(secretName, "name");
        if (secretName.isEmpty()) {
          throw new IllegalArgumentException("SDS secret name must not be empty");
        }
      }
    }
  }

  public CertificateValidationConfig {
    matchTypedSubjectAltNames = List.copyOf(matchTypedSubjectAltNames);
    if (trustedCa == null && !matchTypedSubjectAltNames.isEmpty()) {
      throw new IllegalArgumentException(
          "match_typed_subject_alt_names requires trusted_ca: SANs of an unverified certificate can be spoofed");
    }
  }

  /** Peers verified against {@code trustedCa}, any SAN accepted. */
  public static CertificateValidationConfig of(TrustedCa trustedCa) {
    return new CertificateValidationConfig(Objects.requireNonNull(trustedCa, "trustedCa"), List.of());
  }
}
