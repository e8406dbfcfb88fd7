package dev.sluice.listener.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.RandomSource;
import dev.sluice.config.ClusterConfig;
import dev.sluice.config.EndpointConfig;
import dev.sluice.config.TcpProxyConfig;
import dev.sluice.listener.Transport;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.upstream.ClusterManager;
import dev.sluice.upstream.lb.LbPolicyRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay between real sockets on the platform's transport, with a handle on its channels:
 * byte-exact transfer both ways with half-close, and reading paused while the other side cannot
 * take more.
 */
class TcpProxyRelayTest {
  private Transport transport;
  private EventLoopGroup group;
  private StatsRegistry stats;
  private ClusterManager clusters;
  private Channel server;
  private final LinkedBlockingQueue<TcpProxyHandler> handlers = new LinkedBlockingQueue<>();
  private ServerSocket backend;
  /** Threads for the tests' blocking socket I/O: the common pool may have a single thread. */
  private final ExecutorService io = Executors.newCachedThreadPool();

  @BeforeEach
  void start() throws Exception {
    // The transport TCP proxy listeners run on (see Transport.forRelays).
    transport = Transport.detect().forRelays();
    group = transport.newGroup(1, "tcp-relay-test");
    stats = new StatsRegistry();
    clusters = new ClusterManager(stats, LbPolicyRegistry.builtIn());
    backend = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
    clusters.update(Map.of("backend", ClusterConfig.ofStatic("backend",
        List.of(EndpointConfig.of("127.0.0.1", backend.getLocalPort()))))).get(5, TimeUnit.SECONDS);
    TcpProxy proxy = new TcpProxy(TcpProxyConfig.to("relay", "backend"), stats, clusters, transport.upstream(),
        RandomSource.seeded(1));
    server = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannelType())
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            proxy.install(ch, null);
            handlers.add((TcpProxyHandler) ch.pipeline().get("tcp-proxy"));
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  @AfterEach
  void stop() throws Exception {
    server.close().sync();
    backend.close();
    clusters.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    io.shutdownNow();
  }

  @Test
  void relaysManyMegabytesEachWayAtOnceUnchangedThenEachHalfClose() throws Exception {
    byte[] up = pattern(24 << 20, 1);
    byte[] down = pattern(20 << 20, 2);
    try (Socket client = connect(); Socket upstream = backend.accept()) {
      CompletableFuture<byte[]> backendGot = CompletableFuture.supplyAsync(() -> readExactly(upstream, up.length), io);
      CompletableFuture<Void> backendSent = CompletableFuture.runAsync(() -> write(upstream, down), io);
      CompletableFuture<byte[]> clientGot = CompletableFuture.supplyAsync(() -> readExactly(client, down.length), io);
      write(client, up);
      assertIntact("upload", backendGot.get(30, TimeUnit.SECONDS), up);
      backendSent.get(30, TimeUnit.SECONDS);
      assertIntact("download", clientGot.get(30, TimeUnit.SECONDS), down);

      client.shutdownOutput();
      assertThat(upstream.getInputStream().read()).as("the client's FIN, passed on").isEqualTo(-1);
      upstream.shutdownOutput();
      assertThat(client.getInputStream().read()).as("the backend's FIN, passed on").isEqualTo(-1);
    }
    await(() -> counter("downstream_cx_rx_bytes_total") == up.length
        && counter("downstream_cx_tx_bytes_total") == down.length);
  }

  /**
   * A client that has sent its FIN still receives a long answer in full. On Netty 4.2.18's epoll
   * this answer was cut short (see Transport.forRelays), which is why relays run on NIO there.
   */
  @Test
  void aClientThatHasShutItsOutputStillReceivesALongAnswer() throws Exception {
    byte[] up = pattern(1 << 20, 4);
    byte[] down = pattern(24 << 20, 5);
    try (Socket client = connect(); Socket upstream = backend.accept()) {
      CompletableFuture<byte[]> clientGot = CompletableFuture.supplyAsync(() -> readToEnd(client), io);
      write(client, up);
      client.shutdownOutput();
      assertIntact("request, then EOF", readToEnd(upstream), up);
      write(upstream, down);
      upstream.shutdownOutput();
      assertIntact("answer after the client's EOF", clientGot.get(30, TimeUnit.SECONDS), down);
    }
  }

  @Test
  void aBackendThatReadsNothingPausesTheClientSide() throws Exception {
    try (Socket client = connect(); Socket upstream = backend.accept()) {
      TcpProxyHandler handler = handlers.poll(5, TimeUnit.SECONDS);
      byte[] chunk = pattern(64 << 10, 3);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          OutputStream out = client.getOutputStream();
          for (int i = 0; i < 1024; i++) {
            out.write(chunk); // 64 MiB: far more than the kernel queues and the proxy may hold
          }
        } catch (IOException e) {
          // the socket closes at the end of the test
        }
      }, io);
      await(() -> counter("downstream_flow_control_paused_reading_total") >= 1);
      await(() -> !handler.downstreamChannel().config().isAutoRead());
      Channel up = upstreamOf(handler);
      long queued = up.eventLoop().submit(() -> up.unsafe().outboundBuffer().totalPendingWriteBytes())
          .syncUninterruptibly().getNow();
      // Reading stops once the queue passes the high mark, so at most one read more sits above it.
      assertThat(queued).as("bytes queued for the backend while paused")
          .isPositive()
          .isLessThanOrEqualTo(up.config().getWriteBufferHighWaterMark() + 256 * 1024L);
      assertThat(writer).isNotDone();

      // Once the backend reads, everything flows again.
      InputStream in = upstream.getInputStream();
      byte[] buf = new byte[256 << 10];
      long read = 0;
      while (read < 64L << 20) {
        int n = in.read(buf);
        assertThat(n).isPositive();
        read += n;
      }
      writer.get(30, TimeUnit.SECONDS);
      assertThat(read).isEqualTo(64L << 20);
      assertThat(counter("downstream_flow_control_resumed_reading_total")).isPositive();
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(server.localAddress(), 5_000);
    s.setSoTimeout(30_000);
    return s;
  }

  /** The upstream channel once connected, read on the loop that sets it. */
  private static Channel upstreamOf(TcpProxyHandler handler) {
    return handler.downstreamChannel().eventLoop().submit(handler::upstreamChannel).syncUninterruptibly().getNow();
  }

  private long counter(String name) {
    return stats.counterValues().getOrDefault("tcp.relay." + name, 0L);
  }

  private static void assertIntact(String what, byte[] got, byte[] sent) {
    int mismatch = Arrays.mismatch(got, sent);
    assertThat(mismatch).as("%s: %d of %d bytes, first difference at %d", what, got.length, sent.length, mismatch)
        .isEqualTo(-1);
  }

  private static byte[] pattern(int size, long seed) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private static void write(Socket s, byte[] data) {
    try {
      OutputStream out = s.getOutputStream();
      for (int i = 0; i < data.length; i += 128 << 10) {
        out.write(data, i, Math.min(128 << 10, data.length - i));
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] readExactly(Socket s, int length) {
    try {
      return s.getInputStream().readNBytes(length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] readToEnd(Socket s) {
    try {
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      s.getInputStream().transferTo(got);
      return got.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("condition not met in 10 s").isNegative();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }
}
