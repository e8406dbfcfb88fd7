package dev.sluice.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.xds.resource.XdsServerConfig;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;

/** The protocol over incremental ADS ({@code DeltaAggregatedResources}). */
class DeltaAdsProtocolTest extends AdsProtocolTest {
  @Override
  XdsServerConfig.ApiType apiType() {
    return XdsServerConfig.ApiType.DELTA_GRPC;
  }

  @Override
  void awaitNack(String typeUrl, String text) throws InterruptedException {
    DeltaDiscoveryRequest nack = cp.awaitDeltaRequest(r -> r.getTypeUrl().equals(typeUrl) && r.hasErrorDetail()
        && r.getErrorDetail().getMessage().contains(text), WAIT);
    assertThat(nack.getResponseNonce()).isNotEmpty();
  }

  @Override
  void awaitAck(String typeUrl, String version) throws InterruptedException {
    // Incremental ACKs carry only the nonce of the response they answer.
    cp.awaitDeltaAck(typeUrl, version, WAIT);
  }

  @Override
  void awaitUnsubscribed(String typeUrl, String name) throws InterruptedException {
    DeltaDiscoveryRequest r = cp.awaitDeltaRequest(q -> q.getTypeUrl().equals(typeUrl)
        && q.getResourceNamesUnsubscribeList().contains(name), WAIT);
    // Subscription changes are spontaneous requests, without a nonce.
    assertThat(r.getResponseNonce()).isEmpty();
  }

  @Override
  void awaitSubscribed(String typeUrl, String name) throws InterruptedException {
    cp.awaitDeltaRequest(r -> r.getTypeUrl().equals(typeUrl) && r.getResourceNamesSubscribeList().contains(name),
        WAIT);
  }

  @Override
  void assertResumption(int requestsBefore) throws InterruptedException {
    // The first request of each type on the new stream lists what the client holds, with versions.
    // ACKs of the old stream may still be arriving: look for the new stream's opening requests.
    DeltaDiscoveryRequest lds = cp.awaitDeltaRequest(r -> cp.deltaRequests().indexOf(r) >= requestsBefore
        && r.getTypeUrl().equals(LDS) && r.getResourceNamesSubscribeCount() > 0, WAIT);
    assertThat(lds.getResourceNamesSubscribeList()).containsExactly("*");
    assertThat(lds.getInitialResourceVersionsMap()).containsKey("web");
    assertThat(lds.getResponseNonce()).isEmpty();
    DeltaDiscoveryRequest rds = cp.awaitDeltaRequest(r -> cp.deltaRequests().indexOf(r) >= requestsBefore
        && r.getTypeUrl().equals(RDS) && r.getResourceNamesSubscribeCount() > 0, WAIT);
    assertThat(rds.getResourceNamesSubscribeList()).containsExactly("web-routes");
    assertThat(rds.getInitialResourceVersionsMap()).containsKey("web-routes");
  }
}
