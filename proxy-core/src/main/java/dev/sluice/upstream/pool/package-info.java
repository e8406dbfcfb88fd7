/**
 * Upstream HTTP/1.1 connection pools, one per endpoint per event loop, so that a request's
 * upstream connection lives on the same loop as its downstream connection and nothing is locked.
 */
package dev.sluice.upstream.pool;
