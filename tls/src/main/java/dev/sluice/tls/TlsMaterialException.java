package dev.sluice.tls;

/**
 * Certificates, keys or CA bundles that cannot be used, or a TLS context that cannot be built.
 * The message names the file or secret at fault, never its content.
 */
public final class TlsMaterialException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TlsMaterialException(String message) {
    super(message);
  }

  public TlsMaterialException(String message, Throwable cause) {
    super(message, cause);
  }
}
