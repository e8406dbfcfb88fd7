package dev.sluice.tls;

import dev.sluice.common.Ticker;
import dev.sluice.config.CertificateValidationConfig;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.DownstreamTlsConfig;
import dev.sluice.config.TlsParamsConfig;
import dev.sluice.config.TlsParamsConfig.TlsProtocol;
import dev.sluice.config.UpstreamTlsConfig;
import dev.sluice.tls.verify.PeerCertificateVerifier;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Builds TLS contexts from Envoy's {@code DownstreamTlsContext}/{@code UpstreamTlsContext} records:
 * the one place that knows which provider is in use ({@link TlsProviderChoice}) and how each
 * setting maps onto it.
 *
 * <p>Defaults are Envoy's: TLS 1.2 minimum; TLS 1.3 maximum for servers and 1.2 for clients;
 * ECDHE+AEAD suites; curves X25519 and P-256; ALPN only when configured; server session tickets on;
 * no hostname verification for upstreams (Envoy checks SAN matchers, not the host name).
 *
 * <p>Snapshots are cached by configuration and certificate/CA content (64 entries, least recently
 * used evicted), so listeners and clusters with equal TLS settings share one {@link SslContext},
 * and a rotation back to known material costs nothing. Building takes milliseconds and may read
 * files: call it off the event loops (sources and {@link RotatingTlsContext} do).
 */
public final class TlsContextFactory {
  private static final int CACHE_SIZE = 64;
  private static final String OPENSSL_CLIENT_SESSION_CACHE = "io.netty.handler.ssl.openssl.sessionCacheClient";

  static {
    // Envoy resumes upstream sessions by default (max_session_keys 1); Netty's OpenSSL clients keep
    // no sessions unless this is set before their first context. An operator's explicit value wins,
    // and max_session_keys 0 still turns resumption off per context.
    if (System.getProperty(OPENSSL_CLIENT_SESSION_CACHE) == null) {
      System.setProperty(OPENSSL_CLIENT_SESSION_CACHE, "true");
    }
  }

  private final TlsProviderChoice provider;
  private final Ticker ticker;
  private final Map<CacheKey, TlsSnapshot> cache = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<CacheKey, TlsSnapshot> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  private final Set<RotatingTlsContext> live = Collections.synchronizedSet(new LinkedHashSet<>());

  private record CacheKey(Object config, String certificateFingerprint, String trustFingerprint) {}

  public TlsContextFactory(TlsProviderChoice provider, Ticker ticker) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /** A factory on the process-wide provider choice and the system clock. */
  public static TlsContextFactory create() {
    return new TlsContextFactory(TlsProviderChoice.detect(), Ticker.SYSTEM);
  }

  public TlsProviderChoice provider() {
    return provider;
  }

  public Ticker ticker() {
    return ticker;
  }

  /**
   * A server snapshot.
   *
   * @param trustedCa the CA bundle, required when the validation context names a trusted CA
   * @throws TlsMaterialException when the material or a setting cannot be used
   */
  public synchronized TlsSnapshot serverSnapshot(DownstreamTlsConfig config, CertificateMaterial certificate,
      TrustBundle trustedCa) {
    Objects.requireNonNull(certificate, "certificate");
    TrustBundle trust = checkTrust(config.commonTlsContext(), trustedCa);
    CacheKey key = new CacheKey(config, certificate.fingerprint(), trust == null ? "" : trust.fingerprint());
    TlsSnapshot cached = cache.get(key);
    if (cached == null) {
      cached = buildServer(config, certificate, trust);
      cache.put(key, cached);
    }
    return cached;
  }

  /**
   * A client snapshot.
   *
   * @param certificate the client certificate, or {@code null} when none is configured
   * @param trustedCa the CA bundle, required when the validation context names a trusted CA
   * @throws TlsMaterialException when the material or a setting cannot be used
   */
  public synchronized TlsSnapshot clientSnapshot(UpstreamTlsConfig config, CertificateMaterial certificate,
      TrustBundle trustedCa) {
    if (config.commonTlsContext().certificate() != null) {
      Objects.requireNonNull(certificate, "certificate");
    }
    TrustBundle trust = checkTrust(config.commonTlsContext(), trustedCa);
    CacheKey key = new CacheKey(config, certificate == null ? "" : certificate.fingerprint(),
        trust == null ? "" : trust.fingerprint());
    TlsSnapshot cached = cache.get(key);
    if (cached == null) {
      cached = buildClient(config, certificate, trust);
      cache.put(key, cached);
    }
    return cached;
  }

  /** A server context that follows its certificate and CA sources; ready once both delivered. */
  public RotatingTlsContext serverContext(String name, DownstreamTlsConfig config, CertificateSourceRegistry sources) {
    CommonTlsConfig common = config.commonTlsContext();
    return track(RotatingTlsContext.start(name, (certificate, trust) -> serverSnapshot(config, certificate, trust),
        sources.certificate(common.certificate()), trustSource(common, sources)));
  }

  /** A client context that follows its certificate (if any) and CA sources. */
  public RotatingTlsContext clientContext(String name, UpstreamTlsConfig config, CertificateSourceRegistry sources) {
    CommonTlsConfig common = config.commonTlsContext();
    return track(RotatingTlsContext.start(name, (certificate, trust) -> clientSnapshot(config, certificate, trust),
        common.certificate() == null ? null : sources.certificate(common.certificate()), trustSource(common, sources)));
  }

  /**
   * The contexts made here and not closed yet, oldest first: what the admin interface lists under
   * {@code /certs} and what {@code server.days_until_first_cert_expiring} is computed from.
   */
  public List<RotatingTlsContext> openContexts() {
    synchronized (live) {
      live.removeIf(RotatingTlsContext::isClosed);
      return List.copyOf(live);
    }
  }

  private RotatingTlsContext track(RotatingTlsContext context) {
    live.removeIf(RotatingTlsContext::isClosed);
    live.add(context);
    return context;
  }

  private static CertificateSource<TrustBundle> trustSource(CommonTlsConfig common, CertificateSourceRegistry sources) {
    CertificateValidationConfig validation = common.validationContext();
    return validation == null || validation.trustedCa() == null ? null : sources.trustedCa(validation.trustedCa());
  }

  private static TrustBundle checkTrust(CommonTlsConfig common, TrustBundle trustedCa) {
    CertificateValidationConfig validation = common.validationContext();
    boolean wanted = validation != null && validation.trustedCa() != null;
    if (wanted && trustedCa == null) {
      throw new IllegalArgumentException("the validation context names a trusted CA but none was supplied");
    }
    return wanted ? trustedCa : null;
  }

  private TlsSnapshot buildServer(DownstreamTlsConfig config, CertificateMaterial certificate, TrustBundle trust) {
    CommonTlsConfig common = config.commonTlsContext();
    List<String> warnings = new ArrayList<>(certificate.warnings());
    PeerCertificateVerifier verifier = verifier(common, trust, false, warnings);
    SslContextBuilder builder = SslContextBuilder.forServer(certificate.privateKey(), certificate.chain());
    applyCommon(builder, common, true, warnings);
    // Envoy: a client certificate is requested when a CA is configured, required on
    // require_client_certificate or when SANs are to be matched.
    ClientAuth clientAuth = config.clientCertificateRequired() ? ClientAuth.REQUIRE
        : trust != null ? ClientAuth.OPTIONAL : ClientAuth.NONE;
    if (clientAuth != ClientAuth.NONE) {
      builder.clientAuth(clientAuth).trustManager(verifier);
    }
    if (config.sessionTimeout() != null) {
      builder.sessionTimeout(config.sessionTimeout().getSeconds());
    }
    String origin = origin(certificate, trust);
    SslContext context = build(builder, origin);
    TlsSnapshot.Tickets tickets = TlsSnapshot.Tickets.LIBRARY_DEFAULT;
    if (context.sessionContext() instanceof OpenSslSessionContext sessions) {
      // Stateless tickets with BoringSSL's internal, self-rotating key: Envoy's behaviour without
      // session_ticket_keys. Setting no keys is Netty's switch for that (its servers already start
      // so; this keeps it true if that default changes). Netty has no context-wide off switch, so
      // disable_stateless_session_resumption is applied to each engine.
      sessions.setTicketKeys();
      if (config.disableStatelessSessionResumption()) {
        tickets = TlsSnapshot.Tickets.OFF;
      }
      if (config.disableStatefulSessionResumption()) {
        sessions.setSessionCacheEnabled(false);
      }
    } else {
      if (config.disableStatelessSessionResumption()) {
        warnings.add("disable_stateless_session_resumption is not applied by the JDK provider "
            + "(jdk.tls.server.enableSessionTicketExtension governs tickets)");
      }
      if (config.disableStatefulSessionResumption()) {
        warnings.add("disable_stateful_session_resumption is not applied by the JDK provider");
      }
    }
    return new TlsSnapshot(context, verifier, provider.provider(), certificate.leaf(), warnings, origin, tickets);
  }

  private TlsSnapshot buildClient(UpstreamTlsConfig config, CertificateMaterial certificate, TrustBundle trust) {
    CommonTlsConfig common = config.commonTlsContext();
    List<String> warnings = new ArrayList<>(certificate == null ? List.of() : certificate.warnings());
    PeerCertificateVerifier verifier = verifier(common, trust, config.autoSniSanValidation(), warnings);
    if (trust == null) {
      warnings.add("no trusted_ca: upstream server certificates are not verified (Envoy's behaviour)");
    }
    // Netty 4.2 verifies host names by default; Envoy does not (it matches configured SANs instead).
    SslContextBuilder builder = SslContextBuilder.forClient().endpointIdentificationAlgorithm(null).trustManager(verifier);
    if (certificate != null) {
      builder.keyManager(certificate.privateKey(), certificate.chain());
    }
    applyCommon(builder, common, false, warnings);
    String origin = origin(certificate, trust);
    SslContext context = build(builder, origin);
    TlsSnapshot.Tickets tickets = TlsSnapshot.Tickets.LIBRARY_DEFAULT;
    if (context.sessionContext() instanceof OpenSslSessionContext sessions) {
      if (config.maxSessionKeys() == 0) {
        sessions.setSessionCacheEnabled(false);
      } else {
        // Envoy's clients offer tickets; Netty's OpenSSL client contexts are created with tickets off.
        tickets = TlsSnapshot.Tickets.ON;
      }
    } else if (config.maxSessionKeys() == 0) {
      warnings.add("max_session_keys 0 is not applied by the JDK provider");
    }
    return new TlsSnapshot(context, verifier, provider.provider(), certificate == null ? null : certificate.leaf(),
        warnings, origin, tickets);
  }

  private static PeerCertificateVerifier verifier(CommonTlsConfig common, TrustBundle trust, boolean matchSni,
      List<String> warnings) {
    if (trust == null) {
      return PeerCertificateVerifier.acceptingAny();
    }
    warnings.addAll(trust.warnings());
    return PeerCertificateVerifier.create(trust.certificates(), common.validationContext().matchTypedSubjectAltNames(),
        matchSni);
  }

  private void applyCommon(SslContextBuilder builder, CommonTlsConfig common, boolean server, List<String> warnings) {
    TlsParamsConfig params = common.tlsParams();
    TlsProtocol minimum = params.effectiveMinimum();
    TlsProtocol maximum = params.effectiveMaximum(server);
    List<String> protocols = new ArrayList<>();
    for (TlsProtocol version : TlsProtocol.values()) {
      if (version != TlsProtocol.TLS_AUTO && version.compareTo(minimum) >= 0 && version.compareTo(maximum) <= 0) {
        protocols.add(protocolName(version));
      }
    }
    SslProvider sslProvider = provider.provider();
    builder.sslProvider(sslProvider)
        .protocols(protocols)
        .ciphers(CipherSuites.resolve(params, sslProvider, maximum == TlsProtocol.TLSv1_3), IdentityCipherSuiteFilter.INSTANCE);
    if (sslProvider == SslProvider.JDK && minimum.compareTo(TlsProtocol.TLSv1_2) < 0) {
      warnings.add("TLS below 1.2 is configured but the JDK disables it by default (jdk.tls.disabledAlgorithms)");
    }
    if (sslProvider == SslProvider.OPENSSL) {
      builder.option(OpenSslContextOption.GROUPS, params.effectiveEcdhCurves().toArray(new String[0]));
    } else if (!params.ecdhCurves().isEmpty()) {
      warnings.add("ecdh_curves " + params.ecdhCurves() + " are not applied by the JDK provider on Java 17 "
          + "(jdk.tls.namedGroups governs)");
    }
    if (!common.alpnProtocols().isEmpty()) {
      // NO_ADVERTISE + ACCEPT: without a common protocol the handshake continues without ALPN, as
      // BoringSSL does in Envoy; it is the only combination both providers support.
      builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, common.alpnProtocols()));
    }
  }

  private static String protocolName(TlsProtocol version) {
    return switch (version) {
      case TLSv1_0 -> "TLSv1";
      case TLSv1_1 -> "TLSv1.1";
      case TLSv1_2 -> "TLSv1.2";
      case TLSv1_3 -> "TLSv1.3";
      case TLS_AUTO -> throw new IllegalArgumentException("TLS_AUTO has no protocol name");
    };
  }

  private SslContext build(SslContextBuilder builder, String origin) {
    try {
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new TlsMaterialException("cannot build a " + provider.provider() + " TLS context for " + origin + ": "
          + e.getMessage(), e);
    }
  }

  private static String origin(CertificateMaterial certificate, TrustBundle trust) {
    String cert = certificate == null ? "no certificate" : certificate.origin();
    return trust == null ? cert : cert + ", CA " + trust.origin();
  }

  /** The number of cached snapshots (for tests and the admin interface). */
  public synchronized int cachedSnapshots() {
    return cache.size();
  }
}
