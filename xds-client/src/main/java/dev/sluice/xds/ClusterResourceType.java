package dev.sluice.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.sluice.config.ClusterConfig;
import dev.sluice.xds.resource.ClusterDecoder;
import dev.sluice.xds.resource.DecodeContext;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.Optional;

/** CDS: clusters, decoded by the same {@link ClusterDecoder} as static ones, with EDS and SDS over ADS allowed. */
final class ClusterResourceType implements XdsResourceType<CdsCluster> {
  @Override
  public ResourceKind kind() {
    return ResourceKind.CLUSTER;
  }

  @Override
  public Message unpack(Any any) throws InvalidProtocolBufferException {
    return any.unpack(Cluster.class);
  }

  @Override
  public String nameOf(Message resource) {
    return ((Cluster) resource).getName();
  }

  @Override
  public Optional<CdsCluster> decode(Message resource, DecodeContext ctx) {
    Cluster cluster = (Cluster) resource;
    return ClusterDecoder.decode(cluster, "", ctx).map(config -> new CdsCluster(config,
        config.type() == ClusterConfig.DiscoveryType.EDS
            ? Optional.of(ClusterDecoder.edsSubscription(cluster))
            : Optional.empty(), ListenerResourceType.adsSecrets(ctx)));
  }
}
