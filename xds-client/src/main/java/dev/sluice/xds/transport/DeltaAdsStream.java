package dev.sluice.xds.transport;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Channel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Incremental ADS. Subscriptions travel as differences against what this stream has already
 * asked for; ACKs and NACKs carry only the nonce (xds_protocol, "Incremental xDS").
 */
final class DeltaAdsStream implements AdsStream {
  /** The explicit wildcard name (xds_protocol, "How the client specifies what resources to return"). */
  static final String WILDCARD = "*";

  private final NodeStamp node;
  private final GrpcStreamObserver<DeltaDiscoveryRequest, DeltaDiscoveryResponse> observer;
  // What the server has been told, per type, on this stream.
  private final Map<String, Set<String>> subscribed = new HashMap<>();

  DeltaAdsStream(Channel channel, NodeStamp node, AdsStreamListener listener) {
    this.node = node;
    this.observer = new GrpcStreamObserver<>(listener, DeltaAdsStream::convert);
    AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(observer);
  }

  private static AdsResponse convert(DeltaDiscoveryResponse r) {
    List<AdsResource> resources = r.getResourcesList().stream()
        .map(DeltaAdsStream::convert)
        .toList();
    return new AdsResponse(r.getTypeUrl(), r.getSystemVersionInfo(), r.getNonce(), resources,
        r.getRemovedResourcesList());
  }

  private static AdsResource convert(Resource r) {
    return new AdsResource(r.getName(), r.getVersion(),
        r.hasResource() ? Optional.of(r.getResource()) : Optional.empty());
  }

  /**
   * A new stream starts from nothing: it names everything of interest and, in
   * {@code initial_resource_versions}, what the client holds, so the server sends only what
   * changed while the client was away (xds_protocol, "Incremental xDS", reconnect).
   */
  @Override
  public void start(String typeUrl, Subscription subscription, String acceptedVersion,
      Map<String, String> heldVersions) {
    Set<String> names = wanted(subscription);
    subscribed.put(typeUrl, names);
    send(DeltaDiscoveryRequest.newBuilder()
        .setTypeUrl(typeUrl)
        .addAllResourceNamesSubscribe(names)
        .putAllInitialResourceVersions(new TreeMap<>(heldVersions)));
  }

  @Override
  public void reply(String typeUrl, String versionInfo, String nonce, Subscription subscription,
      Optional<String> error) {
    DeltaDiscoveryRequest.Builder b = DeltaDiscoveryRequest.newBuilder()
        .setTypeUrl(typeUrl)
        .setResponseNonce(nonce);
    error.ifPresent(message -> b.setErrorDetail(Status.newBuilder()
        .setCode(io.grpc.Status.Code.INVALID_ARGUMENT.value())
        .setMessage(message)));
    send(b);
  }

  /**
   * A spontaneous request with an empty nonce: servers may drop a request whose nonce is not the
   * latest, and istiod requires ACKs not to change subscriptions.
   */
  @Override
  public void updateSubscription(String typeUrl, Subscription subscription, String acceptedVersion,
      String latestNonce) {
    Set<String> before = subscribed.getOrDefault(typeUrl, Set.of());
    Set<String> after = wanted(subscription);
    Set<String> added = new TreeSet<>(after);
    added.removeAll(before);
    Set<String> removed = new TreeSet<>(before);
    removed.removeAll(after);
    if (added.isEmpty() && removed.isEmpty()) {
      return;
    }
    subscribed.put(typeUrl, after);
    send(DeltaDiscoveryRequest.newBuilder()
        .setTypeUrl(typeUrl)
        .addAllResourceNamesSubscribe(added)
        .addAllResourceNamesUnsubscribe(removed));
  }

  @Override
  public void close() {
    observer.cancel();
  }

  private static Set<String> wanted(Subscription subscription) {
    return subscription.wildcard() ? Set.of(WILDCARD) : new TreeSet<>(subscription.names());
  }

  private void send(DeltaDiscoveryRequest.Builder b) {
    Node n = node.next();
    if (n != null) {
      b.setNode(n);
    }
    observer.send(b.build());
  }
}
