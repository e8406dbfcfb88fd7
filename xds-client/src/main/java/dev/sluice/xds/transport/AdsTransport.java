package dev.sluice.xds.transport;

import dev.sluice.xds.resource.XdsServerConfig;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The gRPC channel to a management server and the ADS streams opened on it. The channel runs
 * every callback on the given executor, so the client's serialized executor receives responses
 * directly and no gRPC thread ever touches client state.
 */
public final class AdsTransport {
  private final XdsServerConfig server;
  private final ManagedChannel channel;
  private final Channel withMetadata;

  private AdsTransport(XdsServerConfig server, ManagedChannel channel) {
    this.server = server;
    this.channel = channel;
    Metadata headers = new Metadata();
    for (Map.Entry<String, String> e : server.initialMetadata().entrySet()) {
      headers.put(Metadata.Key.of(e.getKey(), Metadata.ASCII_STRING_MARSHALLER), e.getValue());
    }
    this.withMetadata = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /**
   * A plaintext channel to {@code server.target()}. gRPC resolves the name and reconnects the
   * transport by itself; the client only re-opens streams.
   */
  public static AdsTransport connect(XdsServerConfig server, Executor callbackExecutor) {
    ManagedChannelBuilder<?> b = Grpc.newChannelBuilder(server.target(), InsecureChannelCredentials.create())
        .executor(callbackExecutor)
        .maxInboundMessageSize(server.maxReceiveMessageBytes())
        .userAgent("sluice");
    if (!server.authority().isEmpty()) {
      b.overrideAuthority(server.authority());
    }
    return new AdsTransport(server, b.build());
  }

  /** Opens a stream of the configured variant; {@code node} goes on its requests. */
  public AdsStream open(Node node, AdsStreamListener listener) {
    NodeStamp stamp = new NodeStamp(node, server.setNodeOnFirstMessageOnly());
    return server.apiType() == XdsServerConfig.ApiType.DELTA_GRPC
        ? new DeltaAdsStream(withMetadata, stamp, listener)
        : new SotwAdsStream(withMetadata, stamp, listener);
  }

  public void shutdown() {
    channel.shutdownNow();
  }
}
