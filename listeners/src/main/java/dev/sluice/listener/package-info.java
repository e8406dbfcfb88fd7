/**
 * Listening sockets and their lifecycle: the transport (native epoll, NIO fallback), building a
 * listener configuration into filter chains (TLS contexts, terminal filters), warming listeners
 * until their certificates arrive, binding, reconciling with new configurations, and draining.
 */
package dev.sluice.listener;
