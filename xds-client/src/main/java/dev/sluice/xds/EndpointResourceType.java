package dev.sluice.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.sluice.xds.resource.ClusterLoadAssignmentDecoder;
import dev.sluice.xds.resource.DecodeContext;
import dev.sluice.xds.resource.EndpointAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.util.Optional;

/** EDS: cluster load assignments, named by {@code cluster_name}. */
final class EndpointResourceType implements XdsResourceType<EndpointAssignment> {
  @Override
  public ResourceKind kind() {
    return ResourceKind.ENDPOINTS;
  }

  @Override
  public Message unpack(Any any) throws InvalidProtocolBufferException {
    return any.unpack(ClusterLoadAssignment.class);
  }

  @Override
  public String nameOf(Message resource) {
    return ((ClusterLoadAssignment) resource).getClusterName();
  }

  @Override
  public Optional<EndpointAssignment> decode(Message resource, DecodeContext ctx) {
    return ClusterLoadAssignmentDecoder.decode((ClusterLoadAssignment) resource, "", ctx);
  }
}
