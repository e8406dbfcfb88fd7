package dev.sluice.upstream.pool;

import io.netty.channel.socket.SocketChannel;

/** The socket channel type matching the event loops' transport (epoll or NIO). */
public record UpstreamTransport(Class<? extends SocketChannel> channelType) {}
