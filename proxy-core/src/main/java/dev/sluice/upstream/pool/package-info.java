/**
 * Upstream HTTP/1.1 connection pools, one per endpoint per event loop, so that a request's
 * upstream connection lives on the same loop as its downstream connection and nothing is locked.
 * {@link dev.sluice.upstream.pool.UpstreamConnector} opens every upstream connection, pooled or
 * raw, with the cluster's TLS origination.
 */
package dev.sluice.upstream.pool;
