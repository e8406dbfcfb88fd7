/**
 * The HTTP connection manager: HTTP/1.1 and HTTP/2 downstream codecs, the per-stream handler
 * that routes each request and proxies it to a pooled upstream HTTP/1.1 connection on the same
 * event loop, streaming bodies both ways with backpressure.
 */
package dev.sluice.listener.http;
