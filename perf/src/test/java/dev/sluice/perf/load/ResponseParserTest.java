package dev.sluice.perf.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseParserTest {
  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  @Test
  void contentLengthResponsesFedOneByteAtATime() {
    String two = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
        + "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nConnection: close\r\n\r\n";
    ResponseParser parser = new ResponseParser();
    int[] statuses = new int[2];
    int n = 0;
    for (byte b : two.getBytes(StandardCharsets.US_ASCII)) {
      ByteBuf one = Unpooled.wrappedBuffer(new byte[] {b});
      int status = parser.parse(one);
      if (status != ResponseParser.INCOMPLETE) {
        statuses[n++] = status;
      }
      assertThat(one.isReadable()).isFalse();
      one.release();
    }
    assertThat(statuses).containsExactly(200, 503);
    assertThat(parser.closeRequested()).isTrue();
    assertThat(parser.idle()).isTrue();
  }

  @Test
  void chunkedBodyWithExtensionAndTrailerThenANoBodyStatus() {
    ByteBuf in = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "7;ext=1\r\nhello, \r\n6\r\nworld\n\r\n0\r\nx-trailer: 1\r\n\r\n"
        + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
    ResponseParser parser = new ResponseParser();
    assertThat(parser.parse(in)).isEqualTo(200);
    assertThat(parser.parse(in)).isEqualTo(204);
    assertThat(in.isReadable()).isFalse();
    in.release();
  }

  @Test
  void rejectsWhatIsNotHttp() {
    ByteBuf in = bytes("SSH-2.0-OpenSSH_9.2\r\n");
    assertThatThrownBy(() -> new ResponseParser().parse(in)).isInstanceOf(IllegalStateException.class);
    in.release();
  }
}
