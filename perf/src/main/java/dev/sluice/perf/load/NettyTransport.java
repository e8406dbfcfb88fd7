package dev.sluice.perf.load;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Epoll where the native library loads (its timers have sub-millisecond resolution, which an
 * open-loop schedule needs), NIO otherwise.
 */
public record NettyTransport(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends SocketChannel> channelClass,
    Class<? extends ServerSocketChannel> serverChannelClass) {

  public static NettyTransport best() {
    if (Epoll.isAvailable()) {
      return new NettyTransport("epoll", EpollIoHandler.newFactory(), EpollSocketChannel.class,
          EpollServerSocketChannel.class);
    }
    return new NettyTransport("nio", NioIoHandler.newFactory(), NioSocketChannel.class,
        NioServerSocketChannel.class);
  }

  public EventLoopGroup newGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory);
  }
}
