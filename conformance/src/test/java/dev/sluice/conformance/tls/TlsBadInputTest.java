package dev.sluice.conformance.tls;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.conformance.support.ProxyFixture;
import dev.sluice.tls.TestPki;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Broken TLS material in a bootstrap stops start-up with a message naming the listener, chain and file. */
@Timeout(60)
class TlsBadInputTest {
  @TempDir
  Path dir;

  private static String bootstrap(Path certificate, Path key) {
    return """
        static_resources:
          listeners:
          - name: secure
            address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
            filter_chains:
            - name: https
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  common_tls_context:
                    tls_certificates:
                    - certificate_chain: { filename: %s }
                      private_key: { filename: %s }
              filters:
              - name: envoy.filters.network.tcp_proxy
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                  stat_prefix: secure
                  cluster: backend
          clusters:
          - name: backend
            type: STATIC
            load_assignment:
              cluster_name: backend
              endpoints:
              - lb_endpoints:
                - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 9 } } }
        """.formatted(certificate, key);
  }

  @Test
  void aKeyThatDoesNotMatchItsCertificateStopsStartUp() {
    TestPki.Issued ca = TestPki.ca("bad-input-ca");
    Path[] one = Pem.write(dir, "one", TestPki.leaf(ca, "one", List.of(), List.of("one.test")));
    Path[] two = Pem.write(dir, "two", TestPki.leaf(ca, "two", List.of(), List.of("two.test")));

    assertThatThrownBy(() -> ProxyFixture.fromBootstrap(bootstrap(one[0], two[1]), dir, "secure"))
        .hasMessageContaining("listener 'secure': filter chain 'https'")
        .hasMessageContaining(two[1].toString())
        .hasMessageContaining("does not match");
  }

  @Test
  void anUnreadableCertificateFileStopsStartUp() {
    TestPki.Issued ca = TestPki.ca("bad-input-ca");
    Path[] one = Pem.write(dir, "one", TestPki.leaf(ca, "one", List.of(), List.of("one.test")));
    Path missing = dir.resolve("missing.crt");

    assertThatThrownBy(() -> ProxyFixture.fromBootstrap(bootstrap(missing, one[1]), dir, "secure"))
        .hasMessageContaining("listener 'secure': filter chain 'https'")
        .hasMessageContaining(missing.toString());
  }
}
