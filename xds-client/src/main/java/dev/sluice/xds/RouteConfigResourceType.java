package dev.sluice.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.sluice.config.RouteConfig;
import dev.sluice.xds.resource.DecodeContext;
import dev.sluice.xds.resource.RouteConfigDecoder;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.Optional;

/** RDS: route configurations; their clusters are checked only when {@code validate_clusters} asks. */
final class RouteConfigResourceType implements XdsResourceType<RouteConfig> {
  @Override
  public ResourceKind kind() {
    return ResourceKind.ROUTE_CONFIG;
  }

  @Override
  public Message unpack(Any any) throws InvalidProtocolBufferException {
    return any.unpack(RouteConfiguration.class);
  }

  @Override
  public String nameOf(Message resource) {
    return ((RouteConfiguration) resource).getName();
  }

  @Override
  public Optional<RouteConfig> decode(Message resource, DecodeContext ctx) {
    return RouteConfigDecoder.decode((RouteConfiguration) resource, "", ctx);
  }
}
