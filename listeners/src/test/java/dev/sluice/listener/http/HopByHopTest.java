package dev.sluice.listener.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HopByHopTest {
  @Test
  void requestLosesConnectionHeadersAndTheHeadersTheyName() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("Connection", "keep-alive, X-Secret ,\tX-Other");
    h.add("Connection", "close");
    h.add("X-Secret", "1").add("X-Other", "2").add("Keep-Alive", "timeout=5").add("Proxy-Connection", "x")
        .add("TE", "trailers").add("Upgrade", "websocket").add("Transfer-Encoding", "chunked")
        .add("Expect", "100-continue").add("X-Kept", "yes");
    HopByHop.stripRequest(h, false);
    assertThat(h.names()).containsExactly("X-Kept");
  }

  @Test
  void http2ConversionHeadersAreDropped() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("x-http2-stream-id", "3").add("x-http2-scheme", "http").add("accept", "*/*");
    HopByHop.stripRequest(h, true);
    assertThat(h.names()).containsExactly("accept");
  }

  @Test
  void responseKeepsTransferEncodingForTheHttp1Encoder() {
    HttpHeaders h = new DefaultHttpHeaders();
    h.add("Connection", "keep-alive").add("Keep-Alive", "timeout=5").add("Transfer-Encoding", "chunked")
        .add("Content-Type", "text/plain");
    HopByHop.stripResponse(h);
    assertThat(h.names()).containsExactlyInAnyOrder("Transfer-Encoding", "Content-Type");
  }
}
