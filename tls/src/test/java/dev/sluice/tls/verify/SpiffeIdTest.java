package dev.sluice.tls.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpiffeIdTest {

  @Test
  void parsesAnIstioWorkloadIdentity() {
    SpiffeId id = SpiffeId.parse("spiffe://cluster.local/ns/default/sa/web");

    assertThat(id.trustDomain()).isEqualTo("cluster.local");
    assertThat(id.path()).isEqualTo("/ns/default/sa/web");
    assertThat(id.namespace()).contains("default");
    assertThat(id.serviceAccount()).contains("web");
    assertThat(id).hasToString("spiffe://cluster.local/ns/default/sa/web")
        .isEqualTo(SpiffeId.ofServiceAccount("cluster.local", "default", "web"));
  }

  @Test
  void nonIstioPathsHaveNoNamespace() {
    assertThat(SpiffeId.parse("spiffe://example.org").path()).isEmpty();
    assertThat(SpiffeId.parse("spiffe://example.org/billing/payments").namespace()).isEmpty();
    assertThat(SpiffeId.parse("spiffe://example.org/ns/a/sa/b/extra").serviceAccount()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "https://cluster.local/ns/a/sa/b | scheme must be 'spiffe://'",
      "SPIFFE://cluster.local/ns/a | scheme must be 'spiffe://'",
      "spiffe:///ns/a | trust domain is empty",
      "spiffe://Cluster.local/ns/a | trust domain has 'C'",
      "spiffe://cluster.local:8443/ns/a | trust domain has ':'",
      "spiffe://user@cluster.local/ns/a | trust domain has '@'",
      "spiffe://cluster.local/ns/a/ | trailing '/'",
      "spiffe://cluster.local/ns//a | empty segment",
      "spiffe://cluster.local/ns/../a | a '..' segment",
      "spiffe://cluster.local/ns/a?x=1 | path has '?'",
      "spiffe://cluster.local/ns/a#frag | path has '#'",
      "spiffe://cluster.local/ns/a%20b | path has '%'"})
  void refusesInvalidIdsSayingWhy(String uri, String reason) {
    assertThatThrownBy(() -> SpiffeId.parse(uri))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid SPIFFE ID '" + uri + "'")
        .hasMessageContaining(reason);
    assertThat(SpiffeId.tryParse(uri)).isEmpty();
  }

  @Test
  void refusesIdsLongerThan2048Bytes() {
    String uri = "spiffe://example.org/" + "a".repeat(2040);
    assertThatThrownBy(() -> SpiffeId.parse(uri)).hasMessageContaining("longer than 2048 bytes");
  }
}
