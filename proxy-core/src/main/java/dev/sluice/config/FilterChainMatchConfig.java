package dev.sluice.config;

import java.util.List;
import java.util.Objects;

/**
 * Envoy's {@code FilterChainMatch}: which connections a filter chain serves. Empty fields match
 * anything. Envoy narrows the candidates field by field in a fixed order (destination port,
 * destination IP, server name, transport protocol, application protocols, source type, source IP,
 * source port), taking the most specific value at each step; the listener module implements that
 * order.
 *
 * @param destinationPort the local port the connection arrived on; 0 for any
 * @param prefixRanges the local address ranges
 * @param serverNames SNI names, exact or with a leading {@code *.} wildcard; lower case
 * @param transportProtocol {@code tls} or {@code raw_buffer} as the TLS inspector reports; empty for any
 * @param applicationProtocols ALPN protocols offered by the client, any of which matches
 * @param sourceType local (loopback or same host) or external peers
 * @param sourcePrefixRanges the peer address ranges
 * @param sourcePorts the peer ports
 */
public record FilterChainMatchConfig(
    int destinationPort,
    List<CidrRange> prefixRanges,
    List<String> serverNames,
    String transportProtocol,
    List<String> applicationProtocols,
    SourceType sourceType,
    List<CidrRange> sourcePrefixRanges,
    List<Integer> sourcePorts) {

  /** Envoy's {@code ConnectionSourceType}. */
  public enum SourceType {
    ANY,
    SAME_IP_OR_LOOPBACK,
    EXTERNAL
  }

  /** Matches every connection. */
  public static final FilterChainMatchConfig ANY = new FilterChainMatchConfig(0, List.of(), List.of(), "", List.of(),
      SourceType.ANY, List.of(), List.of());

  public FilterChainMatchConfig {
    prefixRanges = List.copyOf(prefixRanges);
    serverNames = List.copyOf(serverNames);
    Objects.requireNonNull(transportProtocol, "transport_protocol");
    applicationProtocols = List.copyOf(applicationProtocols);
    Objects.requireNonNull(sourceType, "source_type");
    sourcePrefixRanges = List.copyOf(sourcePrefixRanges);
    sourcePorts = List.copyOf(sourcePorts);
    if (destinationPort < 0 || destinationPort > 65535) {
      throw new IllegalArgumentException("destination_port " + destinationPort + " is outside 0..65535");
    }
    for (String name : serverNames) {
      if (name.isEmpty() || !name.equals(name.toLowerCase(java.util.Locale.ROOT))) {
        throw new IllegalArgumentException("server_names entry '" + name + "' must be a non-empty lower-case name");
      }
      if (name.indexOf('*') >= 0 && (!name.startsWith("*.") || name.indexOf('*', 1) >= 0)) {
        throw new IllegalArgumentException("server_names entry '" + name + "': only a leading '*.' wildcard is allowed");
      }
    }
    for (int port : sourcePorts) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("source_ports entry " + port + " is outside 1..65535");
      }
    }
  }

  /** True when matching needs the ClientHello: a server name, an ALPN protocol or the transport protocol. */
  public boolean needsTlsInspection() {
    return !serverNames.isEmpty() || !applicationProtocols.isEmpty() || !transportProtocol.isEmpty();
  }
}
