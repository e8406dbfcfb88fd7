/**
 * The HTTP connection manager: HTTP/1.1 and HTTP/2 downstream codecs (chosen by ALPN on TLS), the
 * per-stream handler that routes each request and proxies it to a pooled upstream HTTP/1.1
 * connection on the same event loop, streaming bodies both ways with backpressure, and the
 * forwarding headers it sets ({@code x-forwarded-proto}, {@code x-forwarded-client-cert}).
 */
package dev.sluice.listener.http;
