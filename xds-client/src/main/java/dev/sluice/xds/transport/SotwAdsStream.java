package dev.sluice.xds.transport;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Channel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * State-of-the-world ADS. Every request repeats the whole subscription: an empty name list on the
 * first request of listeners or clusters means wildcard (xds_protocol, "How the client specifies
 * what resources to return").
 */
final class SotwAdsStream implements AdsStream {
  private final NodeStamp node;
  private final GrpcStreamObserver<DiscoveryRequest, DiscoveryResponse> observer;

  SotwAdsStream(Channel channel, NodeStamp node, AdsStreamListener listener) {
    this.node = node;
    this.observer = new GrpcStreamObserver<>(listener, SotwAdsStream::convert);
    AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(observer);
  }

  private static AdsResponse convert(DiscoveryResponse r) {
    List<AdsResource> resources = r.getResourcesList().stream()
        .map(any -> new AdsResource("", "", Optional.of(any)))
        .toList();
    return new AdsResponse(r.getTypeUrl(), r.getVersionInfo(), r.getNonce(), resources, List.of());
  }

  @Override
  public void start(String typeUrl, Subscription subscription, String acceptedVersion,
      Map<String, String> heldVersions) {
    // Resuming with the last accepted version lets the server skip an unchanged type (xds_protocol,
    // "ACK/NACK and resource type instance version": the initial request of a new stream indicates
    // the most recent version seen).
    send(request(typeUrl, subscription, acceptedVersion, ""));
  }

  @Override
  public void reply(String typeUrl, String versionInfo, String nonce, Subscription subscription,
      Optional<String> error) {
    DiscoveryRequest.Builder b = request(typeUrl, subscription, versionInfo, nonce);
    error.ifPresent(message -> b.setErrorDetail(Status.newBuilder()
        .setCode(io.grpc.Status.Code.INVALID_ARGUMENT.value())
        .setMessage(message)));
    send(b);
  }

  @Override
  public void updateSubscription(String typeUrl, Subscription subscription, String acceptedVersion,
      String latestNonce) {
    send(request(typeUrl, subscription, acceptedVersion, latestNonce));
  }

  @Override
  public void close() {
    observer.cancel();
  }

  private DiscoveryRequest.Builder request(String typeUrl, Subscription subscription, String version, String nonce) {
    return DiscoveryRequest.newBuilder()
        .setTypeUrl(typeUrl)
        .setVersionInfo(version)
        .setResponseNonce(nonce)
        .addAllResourceNames(new TreeSet<>(subscription.names()));
  }

  private void send(DiscoveryRequest.Builder b) {
    Node n = node.next();
    if (n != null) {
      b.setNode(n);
    }
    observer.send(b.build());
  }
}
