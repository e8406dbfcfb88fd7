package dev.sluice.xds.resource;

import java.util.Objects;
import java.util.Optional;

/**
 * A secret from SDS in PEM form: a certificate chain with its private key (Envoy's
 * {@code tls_certificate}), or trusted CA certificates ({@code validation_context}). Held for the
 * TLS layer; {@link #toString()} never shows the key.
 */
public record TlsSecret(
    String name, Optional<String> certificateChainPem, Optional<String> privateKeyPem, Optional<String> trustedCaPem) {
  public TlsSecret {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(certificateChainPem, "certificateChainPem");
    Objects.requireNonNull(privateKeyPem, "privateKeyPem");
    Objects.requireNonNull(trustedCaPem, "trustedCaPem");
  }

  @Override
  public String toString() {
    return "TlsSecret[name=" + name + ", certificateChain=" + certificateChainPem.isPresent()
        + ", privateKey=" + (privateKeyPem.isPresent() ? "[redacted]" : "none")
        + ", trustedCa=" + trustedCaPem.isPresent() + "]";
  }
}
