package dev.sluice.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.xds.resource.XdsServerConfig;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;

/** The protocol over state-of-the-world ADS ({@code StreamAggregatedResources}). */
class SotwAdsProtocolTest extends AdsProtocolTest {
  @Override
  XdsServerConfig.ApiType apiType() {
    return XdsServerConfig.ApiType.GRPC;
  }

  @Override
  void awaitNack(String typeUrl, String text) throws InterruptedException {
    DiscoveryRequest nack = cp.awaitRequest(r -> r.getTypeUrl().equals(typeUrl) && r.hasErrorDetail()
        && r.getErrorDetail().getMessage().contains(text), WAIT);
    // A NACK carries the last accepted version and the nonce of the rejected response.
    assertThat(nack.getVersionInfo()).isEqualTo("1");
    assertThat(nack.getResponseNonce()).isNotEmpty();
  }

  @Override
  void awaitAck(String typeUrl, String version) throws InterruptedException {
    cp.awaitRequest(r -> r.getTypeUrl().equals(typeUrl) && r.getVersionInfo().equals(version)
        && !r.getResponseNonce().isEmpty() && !r.hasErrorDetail(), WAIT);
  }

  @Override
  void awaitUnsubscribed(String typeUrl, String name) throws InterruptedException {
    cp.awaitRequest(r -> r.getTypeUrl().equals(typeUrl) && !r.getResourceNamesList().isEmpty()
        && !r.getResourceNamesList().contains(name), WAIT);
  }

  @Override
  void awaitSubscribed(String typeUrl, String name) throws InterruptedException {
    cp.awaitRequest(r -> r.getTypeUrl().equals(typeUrl) && r.getResourceNamesList().contains(name), WAIT);
  }

  @Override
  void assertResumption(int requestsBefore) throws InterruptedException {
    // The first LDS request of the new stream names the version the client holds, so an
    // unchanged server need not send it again.
    // ACKs of the old stream may still be arriving; a stream's first request has no nonce.
    DiscoveryRequest first = cp.awaitRequest(r -> cp.requests().indexOf(r) >= requestsBefore
        && r.getTypeUrl().equals(LDS) && r.getResponseNonce().isEmpty(), WAIT);
    assertThat(first.getVersionInfo()).isEqualTo("1");
    assertThat(first.getNode().getId()).isEqualTo("sidecar~10.0.0.9~vm-1.default~default.svc.cluster.local");
    assertThat(first.getNode().getMetadata().getFieldsOrThrow("LABELS").getStructValue()
        .getFieldsOrThrow("app").getStringValue()).isEqualTo("vm");
  }
}
