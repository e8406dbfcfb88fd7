package dev.sluice.perf.xds;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A blocking keep-alive HTTP/1.1 client on one socket: small enough that its own cost stays in
 * the tens of microseconds. Reconnects after an error or {@code connection: close}.
 */
final class HttpProbe implements AutoCloseable {
  /** What a response said: its status and its {@code x-backend} header ("" when absent). */
  record Response(int status, String backend) {}

  private static final int TIMEOUT_MILLIS = 10_000;

  private final int port;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private final StringBuilder line = new StringBuilder(128);

  HttpProbe(int port) {
    this.port = port;
  }

  /** One GET; an I/O failure returns status -1 (the next call reconnects). */
  Response get(String path, String host) {
    try {
      if (socket == null) {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        in = new BufferedInputStream(socket.getInputStream(), 8192);
        out = socket.getOutputStream();
      }
      out.write(("GET " + path + " HTTP/1.1\r\nhost: " + host + "\r\nuser-agent: bench-probe\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return read();
    } catch (IOException | RuntimeException e) {
      close();
      return new Response(-1, "");
    }
  }

  private Response read() throws IOException {
    String status = readLine();
    if (status == null || !status.startsWith("HTTP/1.1 ")) {
      throw new IOException("bad status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    String backend = "";
    for (String h = readLine(); h != null && !h.isEmpty(); h = readLine()) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim();
      String value = h.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("transfer-encoding")) {
        chunked = value.equalsIgnoreCase("chunked");
      } else if (name.equalsIgnoreCase("connection")) {
        close = value.equalsIgnoreCase("close");
      } else if (name.equalsIgnoreCase("x-backend")) {
        backend = value;
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(readLine().trim(), 16); size > 0; size = Long.parseLong(readLine().trim(), 16)) {
        skip(size);
        readLine();
      }
      readLine();
    } else if (length > 0) {
      skip(length);
    }
    if (close) {
      close();
    }
    return new Response(code, backend);
  }

  private void skip(long n) throws IOException {
    for (long left = n; left > 0; ) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new IOException("eof in body");
        }
        s = 1;
      }
      left -= s;
    }
  }

  private String readLine() throws IOException {
    line.setLength(0);
    for (int c = in.read(); ; c = in.read()) {
      if (c < 0) {
        throw new IOException("eof");
      }
      if (c == '\n') {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
          line.setLength(len - 1);
        }
        return line.toString();
      }
      line.append((char) c);
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      socket = null;
    }
  }
}
