/**
 * The L4 path end to end: {@code envoy.filters.network.tcp_proxy} relaying raw bytes (both
 * directions, half-close, weighted clusters, idle timeout, backpressure, failures towards the
 * upstream) and TLS passed through undecrypted to backends chosen by the
 * {@code envoy.filters.listener.tls_inspector} and {@code filter_chain_match} (SNI, ALPN, transport
 * protocol). Clients and backends are plain sockets, so what the proxy relays is observed through
 * an implementation independent of its own.
 */
package dev.sluice.conformance.l4;
