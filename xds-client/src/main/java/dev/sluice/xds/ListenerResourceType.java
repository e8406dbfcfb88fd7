package dev.sluice.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.sluice.xds.resource.DecodeContext;
import dev.sluice.xds.resource.ListenerDecoder;
import dev.sluice.xds.resource.SecretReference;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.List;
import java.util.Optional;

/** LDS: listeners, decoded by the same {@link ListenerDecoder} as static ones, with RDS and SDS over ADS allowed. */
final class ListenerResourceType implements XdsResourceType<LdsListener> {
  @Override
  public ResourceKind kind() {
    return ResourceKind.LISTENER;
  }

  @Override
  public Message unpack(Any any) throws InvalidProtocolBufferException {
    return any.unpack(Listener.class);
  }

  @Override
  public String nameOf(Message resource) {
    return ((Listener) resource).getName();
  }

  @Override
  public Optional<LdsListener> decode(Message resource, DecodeContext ctx) {
    Listener listener = (Listener) resource;
    return ListenerDecoder.decode(listener, "", ctx)
        .map(config -> new LdsListener(config, ListenerDecoder.rdsReferences(listener), adsSecrets(ctx)));
  }

  /** The secrets the decoded resource fetches over ADS, as its TLS contexts recorded them. */
  static List<SecretReference> adsSecrets(DecodeContext ctx) {
    return ctx.secretReferences().stream().filter(SecretReference::ads).toList();
  }
}
