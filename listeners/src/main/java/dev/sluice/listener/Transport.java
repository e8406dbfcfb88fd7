package dev.sluice.listener;

import dev.sluice.upstream.pool.UpstreamTransport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** The I/O transport: native epoll where the platform has it, NIO otherwise. */
public record Transport(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerSocketChannel> serverChannelType,
    Class<? extends SocketChannel> channelType) {

  /**
   * The transport named by {@code -Dsluice.transport} (epoll, io_uring or nio) when it is
   * available, else epoll where the platform has it, else NIO.
   */
  public static Transport detect() {
    String wanted = System.getProperty("sluice.transport", "epoll").toLowerCase(java.util.Locale.ROOT);
    if (wanted.equals("io_uring") && IoUring.isAvailable()) {
      return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
          IoUringSocketChannel.class);
    }
    if (!wanted.equals("nio") && Epoll.isAvailable()) {
      return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class);
    }
    return nio();
  }

  /**
   * The transport for listeners that relay raw bytes with half-closed connections (the TCP proxy):
   * NIO instead of epoll. Netty 4.2.18's epoll removes a descriptor from epoll once a half-closed
   * channel has nothing left to watch, yet keeps it marked registered; the next write that fills the
   * socket then fails (EPOLL_CTL_MOD, ENOENT) and the rest of the answer is dropped. NIO and io_uring
   * keep the registration and do not lose data.
   */
  public Transport forRelays() {
    return name.equals("epoll") ? nio() : this;
  }

  private static Transport nio() {
    return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
  }

  /** Why the native transports are not used, or null when epoll is. */
  public static String epollUnavailabilityReason() {
    Throwable cause = Epoll.unavailabilityCause();
    return cause == null ? null : cause.toString();
  }

  /** Why io_uring is not available, or null when it is. */
  public static String ioUringUnavailabilityReason() {
    Throwable cause = IoUring.unavailabilityCause();
    return cause == null ? null : cause.toString();
  }

  /** A group of {@code threads} event loops named {@code prefix-N}. */
  public EventLoopGroup newGroup(int threads, String prefix) {
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(prefix, true), ioHandlerFactory);
  }

  /** SO_REUSEPORT lets a replacement listener bind its port while the old one drains (epoll only). */
  public boolean supportsReusePort() {
    return !name.equals("nio");
  }

  /** The option that turns SO_REUSEPORT on, or a harmless stand-in where the transport lacks it. */
  @SuppressWarnings("unchecked")
  public io.netty.channel.ChannelOption<Boolean> reusePortOption() {
    return switch (name) {
      case "epoll" -> io.netty.channel.epoll.EpollChannelOption.SO_REUSEPORT;
      case "io_uring" -> io.netty.channel.uring.IoUringChannelOption.SO_REUSEPORT;
      default -> io.netty.channel.ChannelOption.SO_REUSEADDR;
    };
  }

  public UpstreamTransport upstream() {
    return new UpstreamTransport(channelType);
  }
}
