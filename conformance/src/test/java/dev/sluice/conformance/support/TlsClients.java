package dev.sluice.conformance.support;

import dev.sluice.tls.TestPki;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/** TLS client and server contexts for tests, from certificates issued by {@link TestPki}. */
public final class TlsClients {
  private TlsClients() {}

  /** A JDK client context trusting {@code ca}, presenting {@code clientCertificate} when not null. */
  public static SSLContext jdkClient(TestPki.Issued ca, TestPki.Issued clientCertificate) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(clientCertificate == null ? null : keyManagers(clientCertificate).getKeyManagers(),
          trustManagers(ca).getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Netty client context (JDK provider) trusting {@code ca}, with ALPN {@code protocols} when given. */
  public static SslContext nettyClient(TestPki.Issued ca, TestPki.Issued clientCertificate, String... protocols) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(trustManagers(ca));
      if (clientCertificate != null) {
        b.keyManager(keyManagers(clientCertificate));
      }
      if (protocols.length > 0) {
        b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, List.of(protocols)));
      }
      return b.build();
    } catch (SSLException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Netty server context presenting {@code certificate}; requires a client certificate from {@code clientCa} when given. */
  public static SslContext nettyServer(TestPki.Issued certificate, TestPki.Issued clientCa) {
    try {
      SslContextBuilder b = SslContextBuilder.forServer(keyManagers(certificate)).sslProvider(SslProvider.JDK);
      if (clientCa != null) {
        b.trustManager(trustManagers(clientCa)).clientAuth(io.netty.handler.ssl.ClientAuth.REQUIRE);
      }
      return b.build();
    } catch (SSLException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyManagerFactory keyManagers(TestPki.Issued issued) throws GeneralSecurityException {
    KeyStore store = emptyStore();
    store.setKeyEntry("key", issued.keyPair().getPrivate(), new char[0], new Certificate[] {issued.certificate()});
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, new char[0]);
    return factory;
  }

  private static TrustManagerFactory trustManagers(TestPki.Issued ca) throws GeneralSecurityException {
    KeyStore store = emptyStore();
    store.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory;
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return store;
  }

  /** The leaf certificate a session's peer presented. */
  public static X509Certificate peerLeaf(javax.net.ssl.SSLSession session) {
    try {
      return (X509Certificate) session.getPeerCertificates()[0];
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      throw new AssertionError("the peer presented no certificate", e);
    }
  }
}
