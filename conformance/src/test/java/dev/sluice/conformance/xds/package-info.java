/**
 * The proxy configured over xDS, end to end: a real management server (java-control-plane's
 * V3DiscoveryServer and SimpleCache on 127.0.0.1), a bootstrap with {@code dynamic_resources}, the
 * xDS client applying its snapshots to a running proxy, and real HTTP traffic to real backends.
 */
package dev.sluice.conformance.xds;
