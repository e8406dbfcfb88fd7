package dev.sluice.listener;

import dev.sluice.config.CertificateValidationConfig;
import dev.sluice.config.CertificateValidationConfig.TrustedCa;
import dev.sluice.config.CodecType;
import dev.sluice.config.CommonTlsConfig;
import dev.sluice.config.DataSource;
import dev.sluice.config.DownstreamTlsConfig;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.FilterChainMatchConfig;
import dev.sluice.config.ForwardClientCertConfig;
import dev.sluice.config.HeaderMutations;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.NetworkFilterConfig;
import dev.sluice.config.RouteActionConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.RouteMatchConfig;
import dev.sluice.config.RouteRuleConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.config.SubjectAltNameMatcher;
import dev.sluice.config.TlsCertificateConfig;
import dev.sluice.config.TlsParamsConfig;
import dev.sluice.config.VirtualHostConfig;
import dev.sluice.tls.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** Configuration records, certificates and blocking clients for the listener tests. */
final class Fixtures {
  static final TestPki.Issued CA = TestPki.ca("listener test root");
  static final String GATEWAY_ID = "spiffe://cluster.local/ns/istio-system/sa/gateway";
  static final String WEB_ID = "spiffe://cluster.local/ns/default/sa/web";
  static final String API_ID = "spiffe://cluster.local/ns/default/sa/api";

  private Fixtures() {}

  static TestPki.Issued leaf(String commonName, List<String> uris, List<String> dnsNames) {
    return TestPki.leaf(CA, commonName, uris, dnsNames);
  }

  static TlsCertificateConfig.Static inline(TestPki.Issued issued) {
    return new TlsCertificateConfig.Static(new DataSource.InlineString(issued.certificatePem()),
        new DataSource.InlineString(issued.keyPem()));
  }

  static TrustedCa inlineCa() {
    return new TrustedCa.Static(new DataSource.InlineString(CA.certificatePem()));
  }

  /** A server context offering h2 and http/1.1 by ALPN, as gateways configure it. */
  static DownstreamTlsConfig server(TlsCertificateConfig certificate) {
    return DownstreamTlsConfig.of(new CommonTlsConfig(TlsParamsConfig.DEFAULT, List.of(certificate), null,
        CommonTlsConfig.HTTP_ALPN));
  }

  static DownstreamTlsConfig server(TestPki.Issued certificate) {
    return server(inline(certificate));
  }

  /** Clients must present a certificate from {@link #CA} with one of {@code sans}. */
  static DownstreamTlsConfig mtlsServer(TestPki.Issued certificate, List<SubjectAltNameMatcher> sans) {
    return new DownstreamTlsConfig(new CommonTlsConfig(TlsParamsConfig.DEFAULT, List.of(inline(certificate)),
        new CertificateValidationConfig(inlineCa(), sans), CommonTlsConfig.HTTP_ALPN), true, false, false, null);
  }

  static RouteConfig routes(RouteActionConfig action) {
    RouteRuleConfig rule = new RouteRuleConfig("all", RouteMatchConfig.prefix("/"), action, HeaderMutations.NONE);
    return new RouteConfig("routes", List.of(new VirtualHostConfig("vh", List.of("*"), List.of(rule),
        HeaderMutations.NONE)), HeaderMutations.NONE);
  }

  static HttpConnectionManagerConfig direct(String statPrefix, CodecType codec, String body) {
    return HttpConnectionManagerConfig.withDefaults(statPrefix, codec,
        routes(new RouteActionConfig.DirectResponse(200, body)));
  }

  static HttpConnectionManagerConfig forward(String statPrefix, String cluster, ForwardClientCertConfig xfcc) {
    HttpConnectionManagerConfig d = HttpConnectionManagerConfig.withDefaults(statPrefix, CodecType.AUTO,
        routes(RouteActionConfig.Forward.to(cluster)));
    return new HttpConnectionManagerConfig(d.statPrefix(), d.codecType(), d.routeConfig(), d.maxRequestHeadersKb(),
        d.maxHeadersCount(), d.idleTimeout(), d.streamIdleTimeout(), d.requestTimeout(), d.generateRequestId(), xfcc);
  }

  static FilterChainConfig chain(String name, FilterChainMatchConfig match, DownstreamTlsConfig tls,
      NetworkFilterConfig filter) {
    return new FilterChainConfig(name, match, tls, filter);
  }

  static FilterChainMatchConfig serverNames(String... names) {
    return new FilterChainMatchConfig(0, List.of(), List.of(names), "", List.of(),
        FilterChainMatchConfig.SourceType.ANY, List.of(), List.of());
  }

  static ListenerConfig listener(String name, int port, boolean tlsInspector, FilterChainConfig... chains) {
    return new ListenerConfig(name, new SocketAddressConfig("127.0.0.1", port), List.of(chains),
        ListenerConfig.TrafficDirection.UNSPECIFIED, tlsInspector, null);
  }

  /** The stat prefix of a listener bound to 127.0.0.1 with the configured port. */
  static String listenerStat(int configuredPort, String name) {
    return "listener.127.0.0.1_" + configuredPort + "." + name;
  }

  // ---------------------------------------------------------------- clients

  /** A client context trusting {@link #CA}, presenting {@code certificate} when given. */
  static SSLContext clientContext(TestPki.Issued certificate) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", CA.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (certificate != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("client", certificate.keyPair().getPrivate(), new char[0],
          new X509Certificate[] {certificate.certificate(), CA.certificate()});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, new char[0]);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  /** A handshaken TLS socket to 127.0.0.1 with the given SNI (or none) and ALPN offer. */
  static SSLSocket tlsConnect(SSLContext context, int port, String sni, String... alpn) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(5000);
    SSLParameters params = socket.getSSLParameters();
    if (sni != null) {
      params.setServerNames(List.of(new SNIHostName(sni)));
    }
    params.setApplicationProtocols(alpn);
    socket.setSSLParameters(params);
    socket.startHandshake();
    return socket;
  }

  /** One HTTP/1.1 request; the response read up to its Content-Length. */
  static String exchange(Socket socket, String request) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed after " + head);
      }
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  static String get(Socket socket, String path) throws IOException {
    return exchange(socket, "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

  /**
   * Waits for something the proxy does on its own event loop after the client already saw the
   * outcome (a stat counted as the connection closes).
   */
  static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 5 s");
      }
      Thread.onSpinWait();
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }
}
