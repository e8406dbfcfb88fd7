package dev.sluice.xds.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import org.junit.jupiter.api.Test;

class SensitiveFieldsTest {

  static Listener listenerWithKey(DataSource key) {
    DownstreamTlsContext tls = DownstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
        .addTlsCertificates(TlsCertificate.newBuilder()
            .setCertificateChain(DataSource.newBuilder().setFilename("/c.pem"))
            .setPrivateKey(key))).build();
    return Listener.newBuilder().setName("l").addFilterChains(FilterChain.newBuilder()
        .setTransportSocket(TransportSocket.newBuilder().setName("tls").setTypedConfig(Any.pack(tls)))).build();
  }

  static TlsCertificate certificateOf(Listener l) throws InvalidProtocolBufferException {
    return l.getFilterChains(0).getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class)
        .getCommonTlsContext().getTlsCertificates(0);
  }

  @Test
  void keysInsideAnyPayloadsAreRedactedAsEnvoyDoes() throws Exception {
    Listener redacted = SensitiveFields.redact(listenerWithKey(DataSource.newBuilder().setInlineString("KEY").build()));
    TlsCertificate certificate = certificateOf(redacted);
    assertThat(certificate.getPrivateKey().getInlineString()).isEqualTo("[redacted]");
    assertThat(certificate.getCertificateChain().getFilename()).isEqualTo("/c.pem");
    // Envoy redacts every leaf under a sensitive field, a file name too.
    assertThat(certificateOf(SensitiveFields.redact(listenerWithKey(DataSource.newBuilder().setFilename("/k.pem")
        .build()))).getPrivateKey().getFilename()).isEqualTo("[redacted]");
  }

  @Test
  void messagesWithoutSensitiveContentAreReturnedAsTheyAre() {
    Listener plain = Listener.newBuilder().setName("l").addFilterChains(FilterChain.newBuilder().setName("c")).build();
    assertThat(SensitiveFields.redact(plain)).isSameAs(plain);
    assertThat(SensitiveFields.mayHoldSensitive(TlsCertificate.getDescriptor().findFieldByName("password"))).isTrue();
    assertThat(SensitiveFields.mayHoldSensitive(DownstreamTlsContext.getDescriptor()
        .findFieldByName("session_ticket_keys"))).isTrue();
    assertThat(SensitiveFields.mayHoldSensitive(TlsCertificate.getDescriptor()
        .findFieldByName("certificate_chain"))).isFalse();
  }
}
