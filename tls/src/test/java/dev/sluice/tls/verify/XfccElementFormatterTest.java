package dev.sluice.tls.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ForwardClientCertConfig.ClientCertDetail;
import dev.sluice.tls.TestPki;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class XfccElementFormatterTest {
  private static final String GATEWAY = "spiffe://cluster.local/ns/istio-system/sa/gateway";
  private static final String WEB = "spiffe://cluster.local/ns/default/sa/web";
  private static TestPki.Issued ca;
  private static TestPki.Issued web;
  private static String hash;

  @BeforeAll
  static void mint() throws Exception {
    ca = TestPki.ca("root");
    web = TestPki.leaf(ca, "web", List.of(WEB), List.of("web.default.svc", "web"));
    hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(web.certificate().getEncoded()));
  }

  @Test
  void byAndHashAlwaysThenTheRequestedDetailsInEnvoysOrder() {
    String element = XfccElementFormatter.format(List.of(GATEWAY), List.of(web.certificate()),
        EnumSet.of(ClientCertDetail.DNS, ClientCertDetail.URI, ClientCertDetail.SUBJECT));

    assertThat(element).isEqualTo("By=" + GATEWAY + ";Hash=" + hash
        + ";Subject=\"O=Sluice Test,CN=web\";URI=" + WEB + ";DNS=web.default.svc;DNS=web");
  }

  @Test
  void onlyByAndHashWhenNoDetailsAreSet() {
    assertThat(XfccElementFormatter.format(List.of(GATEWAY), List.of(web.certificate()), Set.of()))
        .isEqualTo("By=" + GATEWAY + ";Hash=" + hash);
    assertThat(XfccElementFormatter.format(List.of(), List.of(web.certificate()), Set.of())).isEqualTo("Hash=" + hash);
  }

  @Test
  void anEmptyUriKeyStaysAsEnvoyWritesIt() {
    TestPki.Issued noUri = TestPki.leaf(ca, "plain", List.of(), List.of());
    assertThat(XfccElementFormatter.format(List.of(), List.of(noUri.certificate()), Set.of(ClientCertDetail.URI)))
        .endsWith(";URI=");
  }

  @Test
  void certAndChainAreUrlEncodedPemInQuotes() {
    String element = XfccElementFormatter.format(List.of(), List.of(web.certificate(), ca.certificate()),
        EnumSet.of(ClientCertDetail.CERT, ClientCertDetail.CHAIN));

    assertThat(element).contains(";Cert=\"-----BEGIN%20CERTIFICATE-----%0AMII").contains(";Chain=\"-----BEGIN%20CERTIFICATE");
    String chain = element.substring(element.indexOf(";Chain=") + 8, element.length() - 1);
    assertThat(chain.split("BEGIN%20CERTIFICATE", -1)).hasSize(3);
    assertThat(chain).doesNotContain("\n", "=", "/", "+", ";", ",");
  }

  @Test
  void valuesWithSeparatorsAreQuotedAndQuotesEscaped() {
    TestPki.Issued odd = TestPki.leaf(ca, "a\\\"b", List.of("urn:x;y=1"), List.of());
    String element = XfccElementFormatter.format(List.of(), List.of(odd.certificate()),
        EnumSet.of(ClientCertDetail.SUBJECT, ClientCertDetail.URI));

    // RFC 2253 already writes the quote in the CN as \" ; the XFCC rule then escapes the quote itself.
    assertThat(element).contains(";Subject=\"O=Sluice Test,CN=a\\\\\"b\"").endsWith(";URI=\"urn:x;y=1\"");
  }
}
