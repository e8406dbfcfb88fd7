package dev.sluice.xds.resource;

import static dev.sluice.xds.resource.TlsDecodersTest.downstream;
import static dev.sluice.xds.resource.TlsDecodersTest.listener;
import static dev.sluice.xds.resource.TlsDecodersTest.tcpProxy;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.PathConfigSource;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import org.junit.jupiter.api.Test;

/** SDS file sources in resources from a management server. */
class FileSdsDecodersTest {

  private static Listener withSds(ConfigSource source) {
    return listener(FilterChain.newBuilder().setTransportSocket(downstream(CommonTlsContext.newBuilder()
        .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName("server").setSdsConfig(source))
        .build())).addFilters(tcpProxy("backend"))).build();
  }

  @Test
  void aFileSourceInAnXdsResourceIsNacked() {
    Listener l = withSds(ConfigSource.newBuilder()
        .setPathConfigSource(PathConfigSource.newBuilder().setPath("/etc/sluice/sds.yaml")).build());
    DecodeContext ctx = DecodeContext.forXdsResource("Listener 'l'");
    assertThat(ListenerDecoder.decode(l, "", ctx)).isEmpty();
    assertThat(ctx.errors()).containsExactly("Listener 'l': filter_chains[0].transport_socket.typed_config"
        + ".common_tls_context.tls_certificate_sds_secret_configs[0].sds_config.path_config_source: SDS from a file"
        + " (path_config_source) is supported only in the bootstrap's static_resources; in a resource from a"
        + " management server use sds_config: {ads: {}}");
    assertThat(ctx.secretReferences()).isEmpty();
  }

  @Test
  @SuppressWarnings("deprecation")
  void theOlderPathFieldIsNackedToo() {
    Listener l = withSds(ConfigSource.newBuilder().setPath("/etc/sluice/sds.yaml").build());
    DecodeContext ctx = DecodeContext.forXdsResource("Listener 'l'");
    assertThat(ListenerDecoder.decode(l, "", ctx)).isEmpty();
    assertThat(ctx.errors()).singleElement().asString().contains("sds_config.path: SDS from a file (path)");
  }
}
