package dev.sluice.xds;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.sluice.config.NodeConfig;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.Map;

/** The {@code Node} sent to the management server, built from the proxy-core node identity. */
final class NodeProtos {
  private NodeProtos() {}

  static Node toProto(NodeConfig node) {
    Struct.Builder metadata = Struct.newBuilder();
    for (Map.Entry<String, String> e : node.metadata().entrySet()) {
      metadata.putFields(e.getKey(), value(e.getValue()));
    }
    return Node.newBuilder()
        .setId(node.id())
        .setCluster(node.cluster())
        .setMetadata(metadata)
        .setUserAgentName("sluice")
        .build();
  }

  /**
   * NodeConfig keeps metadata as strings, with nested structures flattened to compact JSON by the
   * bootstrap decoder. Servers read them typed — istiod decodes {@code LABELS} as a map, for one —
   * so a value that is a JSON object or array goes out as that structure again.
   */
  private static Value value(String text) {
    String t = text.strip();
    if (t.startsWith("{") || t.startsWith("[")) {
      Value.Builder b = Value.newBuilder();
      try {
        JsonFormat.parser().merge(t, b);
        return b.build();
      } catch (InvalidProtocolBufferException e) {
        // Not JSON after all: send the text.
      }
    }
    return Value.newBuilder().setStringValue(text).build();
  }
}
