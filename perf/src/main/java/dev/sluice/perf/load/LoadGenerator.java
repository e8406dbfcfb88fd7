package dev.sluice.perf.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * An HTTP/1.1 keep-alive load generator on one Netty event loop, in the manner of wrk2: in
 * open-loop mode each of {@code C} connections owns every C-th slot of a fixed global schedule
 * ({@code rate} requests per second, evenly spaced) and records each request's latency from its
 * slot, its intended send time. A connection still waiting for a response when its next slot comes
 * sends that request as soon as the response arrives, and the wait is charged to the late request:
 * stalls show up in the percentiles instead of silently lowering the rate (coordinated omission).
 * A request whose connection was free at its slot is timed from its actual write instead: any
 * delay between slot and write is then the generator's own timer lateness, which the server did
 * not cause (it is reported separately as the send lag). With {@code rate == 0} it is a
 * closed-loop generator like wrk, for throughput.
 *
 * <p>One request is in flight per connection (no pipelining). The hot path allocates only Netty's
 * timer task per scheduled send; request bytes are shared, responses are parsed in place.
 */
public final class LoadGenerator {
  private static final long MAX_TRACKABLE_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final LoadSpec spec;
  private final EventLoop loop;
  private final Bootstrap bootstrap;
  /** The request bytes, shared by every send; released when the load ends. */
  private final ByteBuf requestBytes;
  private final ByteBuf request;
  private final Connection[] connections;
  private final CountDownLatch finished;
  private final double nanosPerRequest;
  private final Histogram corrected = newHistogram();
  private final Histogram uncorrected = newHistogram();
  private final Histogram sendLag = newHistogram();
  private boolean timerSlackMinimized;

  // Schedule and counters: written on the event loop only, read after it has finished.
  private long startNanos;
  private long measureFromNanos;
  private long endNanos;
  private boolean stopping;
  private long completed;
  private long non2xx;
  private long errors;
  private long unsent;
  private long timedOut;
  private long reconnects;
  private long sentTotal;

  private LoadGenerator(LoadSpec spec, EventLoopGroup group, NettyTransport transport) {
    this.spec = spec;
    this.loop = group.next();
    this.bootstrap = new Bootstrap()
        .group(loop)
        .channel(transport.channelClass())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000);
    byte[] bytes = ("GET " + spec.path() + " HTTP/1.1\r\nHost: " + spec.effectiveHostHeader() + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    this.requestBytes = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    this.request = Unpooled.unreleasableBuffer(requestBytes);
    this.connections = new Connection[spec.connections()];
    this.finished = new CountDownLatch(spec.connections());
    this.nanosPerRequest = spec.openLoop() ? 1e9 / spec.ratePerSecond() : 0;
  }

  static Histogram newHistogram() {
    return new Histogram(100, MAX_TRACKABLE_NANOS, 3);
  }

  /** Runs one load to completion on a private event loop. */
  public static LoadResult run(LoadSpec spec) throws IOException, InterruptedException {
    NettyTransport transport = NettyTransport.best();
    EventLoopGroup group = transport.newGroup(1);
    LoadGenerator generator = new LoadGenerator(spec, group, transport);
    try {
      return generator.execute();
    } finally {
      generator.requestBytes.release();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private LoadResult execute() throws IOException, InterruptedException {
    for (int i = 0; i < connections.length; i++) {
      connections[i] = new Connection(i);
    }
    for (Connection c : connections) {
      ChannelFuture f = bootstrap.clone().handler(c).connect(spec.host(), spec.port());
      if (!f.await(10, TimeUnit.SECONDS) || !f.isSuccess()) {
        closeAll();
        throw new IOException("cannot connect to " + spec.host() + ":" + spec.port(), f.cause());
      }
      c.channel = f.channel();
    }
    onLoop(this::start);
    long waitNanos = endNanos - System.nanoTime() + spec.drainTimeout().toNanos();
    finished.await(Math.max(0, waitNanos), TimeUnit.NANOSECONDS);
    long[] measuredNanos = new long[1];
    onLoop(() -> measuredNanos[0] = stop());
    double seconds = measuredNanos[0] / 1e9;
    return new LoadResult(spec.ratePerSecond(), seconds, completed, non2xx, errors, unsent, timedOut, reconnects,
        sentTotal, corrected, uncorrected, sendLag, timerSlackMinimized);
  }

  private void start() {
    timerSlackMinimized = TimerSlack.minimizeForCurrentThread();
    startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    measureFromNanos = startNanos + spec.warmup().toNanos();
    endNanos = measureFromNanos + spec.duration().toNanos();
    for (Connection c : connections) {
      c.trySend();
    }
  }

  /** Ends the load: charges what is still owed, closes the connections; returns the measured span. */
  private long stop() {
    stopping = true;
    long now = System.nanoTime();
    for (Connection c : connections) {
      c.chargeOutstanding(now);
    }
    closeAll();
    // The measured window ends at endNanos unless the schedule finished early (closed loop).
    return Math.min(now, endNanos) - measureFromNanos;
  }

  private void closeAll() {
    for (Connection c : connections) {
      if (c != null && c.channel != null) {
        c.channel.close();
      }
    }
  }

  private void onLoop(Runnable task) throws InterruptedException {
    try {
      loop.submit(task).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the load generator's event loop did not answer", e);
    }
  }

  private boolean measured(long intendedNanos) {
    return intendedNanos >= measureFromNanos && intendedNanos < endNanos;
  }

  private static void record(Histogram h, long nanos) {
    h.recordValue(Math.max(0, Math.min(nanos, MAX_TRACKABLE_NANOS)));
  }

  /** One keep-alive connection and its share of the schedule. */
  @ChannelHandler.Sharable
  private final class Connection extends ChannelInboundHandlerAdapter implements Runnable {
    private final int index;
    private final ResponseParser parser = new ResponseParser();
    private Channel channel;
    /** Sequence number of this connection's next (or in-flight) request. */
    private long sequence;
    private boolean inFlight;
    private long intendedNanos;
    private long sentNanos;
    /** Where the in-flight request's latency is measured from: its slot, or its write if the slot found the connection free. */
    private long fromNanos;
    private boolean timerPending;
    /** The next send comes from this connection's timer: the connection was free at the slot. */
    private boolean fromTimer;
    private boolean done;

    Connection(int index) {
      this.index = index;
    }

    private long intended(long seq) {
      return startNanos + (long) ((index + seq * connections.length) * nanosPerRequest);
    }

    /** Timer: this connection's next slot has come. */
    @Override
    public void run() {
      timerPending = false;
      fromTimer = true;
      trySend();
      fromTimer = false;
    }

    void trySend() {
      if (done || inFlight || timerPending || stopping || channel == null || !channel.isActive()) {
        return;
      }
      long now = System.nanoTime();
      long intended;
      if (spec.openLoop()) {
        intended = intended(sequence);
        if (intended >= endNanos) {
          finish();
          return;
        }
        if (intended > now) {
          timerPending = true;
          loop.schedule(this, intended - now, TimeUnit.NANOSECONDS);
          return;
        }
      } else {
        if (now >= endNanos) {
          finish();
          return;
        }
        intended = now < startNanos ? startNanos : now;
      }
      inFlight = true;
      intendedNanos = intended;
      sentNanos = now;
      if (fromTimer) {
        fromNanos = now;
        if (measured(intended)) {
          record(sendLag, now - intended);
        }
      } else {
        fromNanos = intended;
      }
      sentTotal++;
      channel.writeAndFlush(request.duplicate(), channel.voidPromise());
    }

    private void finish() {
      if (!done) {
        done = true;
        finished.countDown();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      try {
        while (in.isReadable()) {
          int status = parser.parse(in);
          if (status == ResponseParser.INCOMPLETE) {
            break;
          }
          onResponse(status);
        }
      } catch (IllegalStateException e) {
        errors++;
        ctx.close();
      } finally {
        in.release();
      }
    }

    private void onResponse(int status) {
      long now = System.nanoTime();
      if (!inFlight) {
        errors++; // a response nobody asked for
        return;
      }
      inFlight = false;
      if (measured(intendedNanos)) {
        completed++;
        if (status < 200 || status >= 300) {
          non2xx++;
        }
        record(corrected, now - fromNanos);
        record(uncorrected, now - sentNanos);
      }
      sequence++;
      if (parser.closeRequested()) {
        channel.close(); // channelInactive reconnects
      } else {
        trySend();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (ctx.channel() != channel || stopping || done) {
        return;
      }
      if (inFlight) {
        inFlight = false;
        if (measured(intendedNanos)) {
          errors++;
        }
        sequence++;
      }
      reconnect();
    }

    private void reconnect() {
      reconnects++;
      channel = null;
      bootstrap.clone().handler(this).connect(spec.host(), spec.port()).addListener((ChannelFuture f) -> {
        if (stopping) {
          f.channel().close();
        } else if (f.isSuccess()) {
          channel = f.channel();
          trySend();
        } else {
          errors++;
          loop.schedule(this::reconnect, 100, TimeUnit.MILLISECONDS);
        }
      });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    /** At the end: the in-flight request and the slots never sent, charged with what they waited. */
    void chargeOutstanding(long now) {
      if (done) {
        return;
      }
      long seq = sequence;
      if (inFlight) {
        if (measured(intendedNanos)) {
          timedOut++;
          record(corrected, now - intendedNanos);
        }
        seq++;
      }
      if (!spec.openLoop()) {
        return;
      }
      for (long t = intended(seq); t < endNanos && t < now; t = intended(++seq)) {
        if (measured(t)) {
          unsent++;
          record(corrected, now - t);
        }
      }
    }
  }
}
