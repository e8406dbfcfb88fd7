package dev.sluice.xds.transport;

import io.envoyproxy.envoy.config.core.v3.Node;

/**
 * Decides which requests of a stream carry the node. Only the first is guaranteed to need it
 * (xds_protocol, "Basic Protocol Overview"); Envoy sends it on every request unless
 * {@code set_node_on_first_message_only} is set, and some servers (java-control-plane among them)
 * look it up on every request.
 */
final class NodeStamp {
  private final Node node;
  private final boolean firstMessageOnly;
  private boolean sent;

  NodeStamp(Node node, boolean firstMessageOnly) {
    this.node = node;
    this.firstMessageOnly = firstMessageOnly;
  }

  /** The node for the next request, or null when it is to be left out. */
  Node next() {
    if (firstMessageOnly && sent) {
      return null;
    }
    sent = true;
    return node;
  }
}
