package dev.sluice.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.CodecType;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.HeaderMutations;
import dev.sluice.config.HttpConnectionManagerConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.SocketAddressConfig;
import dev.sluice.config.TcpProxyConfig;
import dev.sluice.xds.resource.HttpConnectionManagerDecoder;
import dev.sluice.xds.resource.RdsReference;
import dev.sluice.xds.resource.SecretReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A listener from LDS resolved against its routes and secrets. */
class LdsListenerTest {
  @Test
  void resolvesRoutesIntoTheDefaultChainAndWaitsForSecrets() {
    HttpConnectionManagerConfig hcm = HttpConnectionManagerConfig.withDefaults("fallback", CodecType.AUTO,
        HttpConnectionManagerDecoder.rdsPlaceholder("fallback-routes"));
    ListenerConfig config = new ListenerConfig("l", new SocketAddressConfig("0.0.0.0", 10443),
        List.of(new FilterChainConfig("tcp", TcpProxyConfig.to("tcp", "backend"))),
        ListenerConfig.TrafficDirection.UNSPECIFIED, false, new FilterChainConfig("fallback", hcm));
    LdsListener lds = new LdsListener(config, List.of(new RdsReference(1, "fallback-routes", "fallback",
        Duration.ZERO)), List.of(new SecretReference("p", "cert", SecretReference.Kind.TLS_CERTIFICATE, true,
        Duration.ZERO)));
    RouteConfig routes = new RouteConfig("fallback-routes", List.of(), HeaderMutations.NONE);
    Map<String, RouteConfig> known = Map.of("fallback-routes", routes);

    assertThat(lds.resolve(name -> Optional.ofNullable(known.get(name)), name -> false)).isEmpty();
    ListenerConfig resolved = lds.resolve(name -> Optional.ofNullable(known.get(name)), name -> true).orElseThrow();
    assertThat(resolved.filterChains()).isEqualTo(config.filterChains());
    assertThat(resolved.defaultFilterChain().terminalFilter()).isEqualTo(hcm.withRouteConfig(routes));
  }
}
