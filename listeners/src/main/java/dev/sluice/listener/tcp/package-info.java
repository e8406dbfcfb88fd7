/**
 * Envoy's {@code tcp_proxy}: each downstream connection is relayed byte for byte to an endpoint of
 * a weighted cluster, over an upstream connection opened on the downstream connection's event
 * loop, with backpressure, half-close in both directions and an idle timeout.
 */
package dev.sluice.listener.tcp;
