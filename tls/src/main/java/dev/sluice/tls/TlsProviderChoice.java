package dev.sluice.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS implementation builds contexts, and why. BoringSSL through netty-tcnative is preferred
 * (faster handshakes, ChaCha20, Envoy's own library); the JDK's provider is the fallback when the
 * native library cannot load on this platform. The choice is made once per process and logged;
 * {@code -Dsluice.tls.provider=jdk|openssl} overrides it.
 *
 * <p>{@code OPENSSL} (not {@code OPENSSL_REFCNT}) is used so that contexts are released by the
 * garbage collector once no snapshot or connection refers to them: snapshots are swapped, never
 * explicitly closed.
 */
public record TlsProviderChoice(SslProvider provider, String reason) {
  private static final Logger log = LoggerFactory.getLogger(TlsProviderChoice.class);
  public static final String PROVIDER_PROPERTY = "sluice.tls.provider";

  public TlsProviderChoice {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(reason, "reason");
    if (provider == SslProvider.OPENSSL_REFCNT) {
      throw new IllegalArgumentException("OPENSSL_REFCNT contexts need explicit release; use OPENSSL");
    }
  }

  private static final class Detected {
    static final TlsProviderChoice CHOICE = choose(System.getProperty(PROVIDER_PROPERTY, ""));
  }

  /** The process-wide choice, made and logged on first use. */
  public static TlsProviderChoice detect() {
    return Detected.CHOICE;
  }

  /** A specific provider (tests, or an operator's override), refused when it cannot work here. */
  public static TlsProviderChoice of(SslProvider provider) {
    if (provider != SslProvider.JDK && !OpenSsl.isAvailable()) {
      throw new IllegalArgumentException("OpenSSL provider requested but netty-tcnative is unavailable: "
          + OpenSsl.unavailabilityCause());
    }
    return new TlsProviderChoice(provider, "requested");
  }

  /** True when this choice is the native (BoringSSL/OpenSSL) provider. */
  public boolean isOpenSsl() {
    return provider == SslProvider.OPENSSL;
  }

  static TlsProviderChoice choose(String requested) {
    String wanted = requested.trim().toLowerCase(Locale.ROOT);
    TlsProviderChoice choice;
    if (wanted.equals("jdk")) {
      choice = new TlsProviderChoice(SslProvider.JDK, "-D" + PROVIDER_PROPERTY + "=jdk");
    } else if (OpenSsl.isAvailable()) {
      choice = new TlsProviderChoice(SslProvider.OPENSSL, "netty-tcnative loaded " + OpenSsl.versionString());
    } else {
      Throwable cause = OpenSsl.unavailabilityCause();
      choice = new TlsProviderChoice(SslProvider.JDK, "netty-tcnative unavailable ("
          + (cause == null ? "unknown cause" : cause.getClass().getSimpleName() + ": " + cause.getMessage()) + ")");
      if (wanted.equals("openssl")) {
        log.warn("-D{}=openssl requested but OpenSSL is unavailable; using the JDK provider", PROVIDER_PROPERTY);
      }
    }
    log.info("TLS provider: {} ({})", choice.provider, choice.reason);
    return choice;
  }
}
