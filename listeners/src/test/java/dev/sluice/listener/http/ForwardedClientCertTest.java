package dev.sluice.listener.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ForwardClientCertConfig;
import dev.sluice.config.ForwardClientCertConfig.ClientCertDetail;
import dev.sluice.config.ForwardClientCertConfig.ForwardClientCertDetails;
import dev.sluice.listener.filter.TlsConnectionInfo;
import dev.sluice.tls.TestPki;
import dev.sluice.tls.verify.XfccElementFormatter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.lang.reflect.Proxy;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/** Envoy's five forward_client_cert_details modes, on mutual TLS, one-way TLS and plaintext. */
class ForwardedClientCertTest {
  private static final TestPki.Issued CA = TestPki.ca("xfcc root");
  private static final TestPki.Issued CLIENT = TestPki.leaf(CA, "web", List.of("spiffe://td/ns/a/sa/web"), List.of());
  private static final String BY = "spiffe://td/ns/gw/sa/gateway";
  private static final String INCOMING = "By=spiffe://upstream-hop;Hash=00";

  /** A session whose only answer is the peer chain (or its absence). */
  private static TlsConnectionInfo tls(Certificate... peer) {
    SSLSession session = (SSLSession) Proxy.newProxyInstance(SSLSession.class.getClassLoader(),
        new Class<?>[] {SSLSession.class}, (proxy, method, args) -> {
          if (method.getName().equals("getPeerCertificates")) {
            if (peer.length == 0) {
              throw new SSLPeerUnverifiedException("no peer certificate");
            }
            return peer;
          }
          throw new UnsupportedOperationException(method.getName());
        });
    return new TlsConnectionInfo("h2", session, List.of(BY));
  }

  private static String apply(ForwardClientCertDetails mode, TlsConnectionInfo tls, String... incoming) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (String value : incoming) {
      h.add("x-forwarded-client-cert", value);
    }
    ForwardedClientCert.apply(h, new ForwardClientCertConfig(mode, Set.of(ClientCertDetail.URI)), tls);
    List<String> values = h.getAll("x-forwarded-client-cert");
    return values.isEmpty() ? null : String.join("|", values);
  }

  @Test
  void eachModeOnMutualTls() throws Exception {
    String element = "By=" + BY + ";Hash=" + XfccElementFormatter.sha256Hex(CLIENT.certificate().getEncoded())
        + ";URI=spiffe://td/ns/a/sa/web";
    TlsConnectionInfo mtls = tls(CLIENT.certificate(), CA.certificate());
    assertThat(apply(ForwardClientCertDetails.SANITIZE, mtls, INCOMING)).isNull();
    assertThat(apply(ForwardClientCertDetails.FORWARD_ONLY, mtls, INCOMING)).isEqualTo(INCOMING);
    assertThat(apply(ForwardClientCertDetails.APPEND_FORWARD, mtls, INCOMING)).isEqualTo(INCOMING + "," + element);
    assertThat(apply(ForwardClientCertDetails.APPEND_FORWARD, mtls)).isEqualTo(element);
    assertThat(apply(ForwardClientCertDetails.APPEND_FORWARD, mtls, "a=1", "b=2")).isEqualTo("a=1,b=2," + element);
    assertThat(apply(ForwardClientCertDetails.SANITIZE_SET, mtls, INCOMING)).isEqualTo(element);
    assertThat(apply(ForwardClientCertDetails.ALWAYS_FORWARD_ONLY, mtls, INCOMING)).isEqualTo(INCOMING);
  }

  @Test
  void withoutAClientCertificateOnlyAlwaysForwardOnlyKeepsTheHeader() {
    for (TlsConnectionInfo connection : new TlsConnectionInfo[] {tls(), null}) {
      for (ForwardClientCertDetails mode : ForwardClientCertDetails.values()) {
        String expected = mode == ForwardClientCertDetails.ALWAYS_FORWARD_ONLY ? INCOMING : null;
        assertThat(apply(mode, connection, INCOMING)).as("%s on %s", mode, connection == null ? "plaintext" : "TLS")
            .isEqualTo(expected);
      }
    }
  }
}
