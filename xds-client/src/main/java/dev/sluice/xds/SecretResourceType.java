package dev.sluice.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.sluice.config.SecretConfig;
import dev.sluice.xds.resource.DecodeContext;
import dev.sluice.xds.resource.SecretDecoder;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.Optional;

/** SDS: secrets, which the listeners and clusters that name them wait for, carried in every snapshot. */
final class SecretResourceType implements XdsResourceType<SecretConfig> {
  @Override
  public ResourceKind kind() {
    return ResourceKind.SECRET;
  }

  @Override
  public Message unpack(Any any) throws InvalidProtocolBufferException {
    return any.unpack(Secret.class);
  }

  @Override
  public String nameOf(Message resource) {
    return ((Secret) resource).getName();
  }

  @Override
  public Optional<SecretConfig> decode(Message resource, DecodeContext ctx) {
    return SecretDecoder.decode((Secret) resource, "", ctx);
  }
}
