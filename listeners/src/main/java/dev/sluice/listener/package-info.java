/**
 * Listening sockets and their lifecycle: the transport (native epoll, NIO fallback), binding the
 * listeners of a configuration snapshot, and draining them on shutdown or on request.
 */
package dev.sluice.listener;
