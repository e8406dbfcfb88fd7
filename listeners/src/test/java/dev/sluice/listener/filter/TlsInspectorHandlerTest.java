package dev.sluice.listener.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sluice.stats.StatsRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The inspector on an embedded channel: fragmented input, replay of the held bytes, the timeout. */
class TlsInspectorHandlerTest {
  private final StatsRegistry stats = new StatsRegistry();
  private final List<ClientHello> inspected = new ArrayList<>();
  private final List<Boolean> calls = new ArrayList<>();
  private final ByteBuf replayed = Unpooled.buffer();

  /** Collects what reaches the handlers installed after the inspector. */
  private final class Capture extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      replayed.writeBytes(buf);
      buf.release();
    }
  }

  private EmbeddedChannel channel() {
    TlsInspectorHandler inspector = new TlsInspectorHandler(new TlsInspectorStats(stats), 15_000,
        stats.counter("listener.test.downstream_pre_cx_timeout"), (ch, hello) -> {
          calls.add(true);
          inspected.add(hello);
          ch.pipeline().addLast(new Capture());
        });
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline().addLast(inspector);
    return ch;
  }

  private static void writeInFragments(EmbeddedChannel ch, byte[] bytes, int size) {
    for (int i = 0; i < bytes.length; i += size) {
      ch.writeInbound(Unpooled.copiedBuffer(bytes, i, Math.min(size, bytes.length - i)));
    }
  }

  @Test
  void fragmentedClientHelloIsInspectedAndReplayedIntact() throws Exception {
    byte[] record = ClientHelloTest.clientHelloRecord("a.example.com", "h2", "http/1.1");
    EmbeddedChannel ch = channel();
    writeInFragments(ch, record, 7);
    assertThat(inspected).hasSize(1);
    assertThat(inspected.get(0).serverName()).isEqualTo("a.example.com");
    assertThat(inspected.get(0).applicationProtocols()).containsExactly("h2", "http/1.1");
    assertThat(ch.pipeline().get(TlsInspectorHandler.class)).isNull();
    ch.writeInbound(Unpooled.copiedBuffer(new byte[] {1, 2, 3}));
    byte[] expected = Arrays.copyOf(record, record.length + 3);
    expected[record.length] = 1;
    expected[record.length + 1] = 2;
    expected[record.length + 2] = 3;
    assertThat(ByteBufUtil.getBytes(replayed)).isEqualTo(expected);
    assertThat(stats.counterValues()).containsEntry("tls_inspector.tls_found", 1L)
        .containsEntry("tls_inspector.sni_found", 1L).containsEntry("tls_inspector.alpn_found", 1L);
    // The timeout was cancelled with the inspection.
    ch.advanceTimeBy(20, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    assertFalse(ch.finish());
    replayed.release();
  }

  @Test
  void plaintextIsRawBufferAndReplayed() {
    EmbeddedChannel ch = channel();
    byte[] request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    writeInFragments(ch, request, 3);
    assertThat(calls).hasSize(1);
    assertThat(inspected.get(0)).isNull();
    assertThat(replayed.toString(StandardCharsets.US_ASCII)).isEqualTo("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    assertThat(stats.counterValues()).containsEntry("tls_inspector.tls_not_found", 1L);
    assertFalse(ch.finish());
    replayed.release();
  }

  @Test
  void connectionThatSendsTooLittleIsClosedAfterTheTimeout() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.copiedBuffer(new byte[] {0x16, 3}));
    ch.advanceTimeBy(14, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    ch.advanceTimeBy(2, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    assertThat(calls).isEmpty();
    assertThat(stats.counterValues()).containsEntry("listener.test.downstream_pre_cx_timeout", 1L);
    ch.finishAndReleaseAll();
    replayed.release();
  }

  @Test
  void oversizedClientHelloIsRefused() {
    EmbeddedChannel ch = channel();
    // A full 16 KiB handshake record announcing a ClientHello of 16 MiB - 1, beyond the 64 KiB bound.
    byte[] record = new byte[5 + 16384];
    byte[] head = {0x16, 3, 1, 0x40, 0, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    System.arraycopy(head, 0, record, 0, head.length);
    ch.writeInbound(Unpooled.copiedBuffer(record));
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    assertThat(stats.counterValues()).containsEntry("tls_inspector.client_hello_too_large", 1L);
    ch.finishAndReleaseAll();
    replayed.release();
  }
}
