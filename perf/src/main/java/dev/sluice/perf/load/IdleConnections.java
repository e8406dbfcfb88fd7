package dev.sluice.perf.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Opens {@code count} keep-alive connections, sends one request on each, and keeps them open and
 * idle, so that the server's resident memory per idle connection can be read. At most
 * {@code concurrency} connections are between connect and response at any time: a proxy then
 * needs only that many upstream connections, and the measurement is of downstream connections.
 */
public final class IdleConnections {
  /** Counts at the end of a run. */
  public record Result(int ok, int failed, int closedWhileIdle) {
    public String summaryLine() {
      return "idle_ok=" + ok + " idle_failed=" + failed + " closed_while_idle=" + closedWhileIdle;
    }
  }

  private final String host;
  private final int port;
  private final int count;
  private final int concurrency;
  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final ByteBuf requestBytes;
  private final ByteBuf request;
  private final List<Channel> channels = new ArrayList<>();
  private final CountDownLatch established = new CountDownLatch(1);
  private int started;
  private int inProgress;
  private int ok;
  private int failed;
  private int closedWhileIdle;
  private boolean closing;

  private IdleConnections(String host, int port, String path, String hostHeader, int count, int concurrency,
      EventLoopGroup group, NettyTransport transport) {
    this.host = host;
    this.port = port;
    this.count = count;
    this.concurrency = concurrency;
    this.loop = group.next();
    this.bootstrap = new Bootstrap().group(loop).channel(transport.channelClass())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    byte[] bytes = ("GET " + path + " HTTP/1.1\r\nHost: " + (hostHeader != null ? hostHeader : host + ":" + port)
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    this.requestBytes = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    this.request = Unpooled.unreleasableBuffer(requestBytes);
  }

  /**
   * Establishes the connections, calls {@code onEstablished} (on this thread) with the counts so
   * far, then holds the connections until {@code release} answers true (polled every 100 ms) or
   * {@code maxHoldSeconds} pass, and closes them.
   */
  public static Result run(String host, int port, String path, String hostHeader, int count, int concurrency,
      long maxHoldSeconds, java.util.function.Consumer<Result> onEstablished, BooleanSupplier release)
      throws InterruptedException {
    NettyTransport transport = NettyTransport.best();
    EventLoopGroup group = transport.newGroup(1);
    IdleConnections idle = new IdleConnections(host, port, path, hostHeader, count, concurrency, group, transport);
    try {
      idle.loop.execute(idle::startMore);
      if (!idle.established.await(Math.max(60, count / 50), TimeUnit.SECONDS)) {
        idle.loop.submit(() -> idle.failed += idle.count - idle.ok - idle.failed).sync();
      }
      onEstablished.accept(idle.snapshot());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxHoldSeconds);
      CountDownLatch released = new CountDownLatch(1);
      io.netty.util.concurrent.ScheduledFuture<?> poll = idle.loop.scheduleAtFixedRate(() -> {
        if (release.getAsBoolean() || System.nanoTime() > deadline) {
          released.countDown();
        }
      }, 100, 100, TimeUnit.MILLISECONDS);
      released.await();
      poll.cancel(false);
      Result result = idle.snapshot();
      idle.loop.submit(idle::closeAll).sync();
      return result;
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      idle.requestBytes.release();
    }
  }

  private Result snapshot() throws InterruptedException {
    Result[] out = new Result[1];
    loop.submit(() -> out[0] = new Result(ok, failed, closedWhileIdle)).sync();
    return out[0];
  }

  private void startMore() {
    while (inProgress < concurrency && started < count) {
      started++;
      inProgress++;
      OneRequest handler = new OneRequest();
      bootstrap.clone().handler(handler).connect(host, port).addListener((ChannelFuture f) -> {
        if (f.isSuccess()) {
          channels.add(f.channel());
          f.channel().writeAndFlush(request.duplicate(), f.channel().voidPromise());
        } else {
          settle(false);
        }
      });
    }
  }

  private void settle(boolean success) {
    inProgress--;
    if (success) {
      ok++;
    } else {
      failed++;
    }
    if (ok + failed == count) {
      established.countDown();
    } else {
      startMore();
    }
  }

  private void closeAll() {
    closing = true;
    for (Channel c : channels) {
      c.close();
    }
  }

  /** Sends one request, waits for its response, then does nothing until closed. */
  private final class OneRequest extends ChannelInboundHandlerAdapter {
    private final ResponseParser parser = new ResponseParser();
    private boolean answered;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        if (!answered && parser.parse(in) != ResponseParser.INCOMPLETE) {
          answered = true;
          settle(true);
        }
      } catch (IllegalStateException e) {
        ctx.close();
      } finally {
        in.release();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!answered) {
        answered = true;
        settle(false);
      } else if (!closing) {
        closedWhileIdle++;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
