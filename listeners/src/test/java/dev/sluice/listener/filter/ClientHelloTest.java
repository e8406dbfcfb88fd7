package dev.sluice.listener.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** The ClientHello parser against real hellos from the JDK's TLS client, and against damaged ones. */
class ClientHelloTest {

  /** A whole TLS record carrying a ClientHello, as a JDK client sends it. */
  static byte[] clientHelloRecord(String sni, String... alpn) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, null, null);
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(true);
    SSLParameters params = engine.getSSLParameters();
    if (sni != null) {
      params.setServerNames(List.of(new SNIHostName(sni)));
    }
    params.setApplicationProtocols(alpn);
    engine.setSSLParameters(params);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] record = new byte[out.remaining()];
    out.get(record);
    return record;
  }

  /** The handshake body: after the 5-byte record header and the 4-byte handshake header. */
  private static byte[] body(byte[] record) {
    int length = ((record[6] & 0xff) << 16) | ((record[7] & 0xff) << 8) | (record[8] & 0xff);
    return Arrays.copyOfRange(record, 9, 9 + length);
  }

  private static ClientHello parse(byte[] body) {
    ByteBuf buf = Unpooled.wrappedBuffer(body);
    try {
      int before = buf.readerIndex();
      ClientHello hello = ClientHello.parse(buf);
      assertThat(buf.readerIndex()).isEqualTo(before);
      return hello;
    } finally {
      buf.release();
    }
  }

  @Test
  void readsServerNameLowerCasedAndAlpnInOrder() throws Exception {
    ClientHello hello = parse(body(clientHelloRecord("API.Example.com", "h2", "http/1.1")));
    assertThat(hello.serverName()).isEqualTo("api.example.com");
    assertThat(hello.applicationProtocols()).containsExactly("h2", "http/1.1");
  }

  @Test
  void helloWithoutSniOrAlpn() throws Exception {
    ClientHello hello = parse(body(clientHelloRecord(null)));
    assertThat(hello).isNotNull();
    assertThat(hello.serverName()).isNull();
    assertThat(hello.applicationProtocols()).isEmpty();
  }

  @Test
  void truncatedOrCorruptedHellosNeverThrow() throws Exception {
    byte[] body = body(clientHelloRecord("a.example.com", "h2"));
    for (int length = 0; length < body.length; length++) {
      ClientHello hello = parse(Arrays.copyOf(body, length));
      if (hello != null) {
        // Only a cut exactly before the extensions leaves a well-formed (extension-less) hello.
        assertThat(hello.serverName()).isNull();
      }
    }
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 2000; i++) {
      byte[] damaged = body.clone();
      damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
      parse(damaged);
    }
  }
}
