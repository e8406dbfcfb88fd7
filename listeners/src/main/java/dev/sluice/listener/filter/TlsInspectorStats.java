package dev.sluice.listener.filter;

import dev.sluice.stats.Counter;
import dev.sluice.stats.StatsRegistry;

/** The TLS inspector's counters under Envoy's names, rooted at {@code tls_inspector.} (shared by all listeners). */
public final class TlsInspectorStats {
  final Counter tlsFound;
  final Counter tlsNotFound;
  final Counter sniFound;
  final Counter sniNotFound;
  final Counter alpnFound;
  final Counter alpnNotFound;
  final Counter clientHelloTooLarge;

  public TlsInspectorStats(StatsRegistry stats) {
    tlsFound = stats.counter("tls_inspector.tls_found");
    tlsNotFound = stats.counter("tls_inspector.tls_not_found");
    sniFound = stats.counter("tls_inspector.sni_found");
    sniNotFound = stats.counter("tls_inspector.sni_not_found");
    alpnFound = stats.counter("tls_inspector.alpn_found");
    alpnNotFound = stats.counter("tls_inspector.alpn_not_found");
    clientHelloTooLarge = stats.counter("tls_inspector.client_hello_too_large");
  }

  void inspected(ClientHello hello) {
    if (hello == null) {
      tlsNotFound.inc();
      return;
    }
    tlsFound.inc();
    (hello.serverName() != null ? sniFound : sniNotFound).inc();
    (hello.applicationProtocols().isEmpty() ? alpnNotFound : alpnFound).inc();
  }
}
