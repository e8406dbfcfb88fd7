package dev.sluice.conformance.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A plain socket speaking HTTP/1.x by hand: for malformed input, exact header control (Host,
 * Connection, Expect, duplicates) and pipelining, none of which a well-behaved client allows.
 * Reads fail after a timeout instead of hanging the suite.
 */
public final class RawHttpConnection implements AutoCloseable {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttpConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  public static RawHttpConnection open(InetSocketAddress address) {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout((int) READ_TIMEOUT.toMillis());
      s.connect(address, (int) READ_TIMEOUT.toMillis());
      return new RawHttpConnection(s);
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Opens a TLS connection and completes the handshake, sending {@code serverName} as SNI (none
   * when null) and offering {@code alpn}. Handshake failures surface as {@link UncheckedIOException}.
   */
  public static RawHttpConnection openTls(InetSocketAddress address, javax.net.ssl.SSLContext context, String serverName,
      String... alpn) {
    RawHttpConnection plain = open(address);
    try {
      javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) context.getSocketFactory()
          .createSocket(plain.socket, address.getHostString(), address.getPort(), true);
      javax.net.ssl.SSLParameters parameters = tls.getSSLParameters();
      parameters.setServerNames(serverName == null ? List.of() : List.of(new javax.net.ssl.SNIHostName(serverName)));
      parameters.setApplicationProtocols(alpn);
      tls.setSSLParameters(parameters);
      tls.setSoTimeout((int) READ_TIMEOUT.toMillis());
      tls.startHandshake();
      return new RawHttpConnection(tls);
    } catch (IOException e) {
      plain.close();
      throw new UncheckedIOException(e);
    }
  }

  /** The TLS session of a connection opened with {@link #openTls}. */
  public javax.net.ssl.SSLSession tlsSession() {
    return ((javax.net.ssl.SSLSocket) socket).getSession();
  }

  /** The ALPN protocol agreed on a TLS connection ("" for none). */
  public String applicationProtocol() {
    return ((javax.net.ssl.SSLSocket) socket).getApplicationProtocol();
  }

  /** Sends text as ISO-8859-1 bytes, exactly as given (write the CRLFs yourself). */
  public RawHttpConnection send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawHttpConnection send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends {@code METHOD target HTTP/1.1} with the given header lines ({@code "Name: value"}),
   * adding {@code Host: localhost} unless a Host line is given, and reads the response.
   */
  public RawResponse exchange(String method, String target, String... headerLines) {
    StringBuilder b = new StringBuilder(128).append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    boolean hasHost = false;
    for (String line : headerLines) {
      hasHost |= line.regionMatches(true, 0, "host:", 0, 5);
      b.append(line).append("\r\n");
    }
    if (!hasHost) {
      b.append("Host: localhost\r\n");
    }
    send(b.append("\r\n").toString());
    return method.equals("HEAD") ? readHead() : read();
  }

  /** Reads one response to a request that was not HEAD. */
  public RawResponse read() {
    return read(false);
  }

  /** Reads one response to a HEAD request: headers only, whatever content-length says. */
  public RawResponse readHead() {
    return read(true);
  }

  private RawResponse read(boolean headRequest) {
    try {
      String statusLine = line();
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP/1 status line: '" + statusLine + "'");
      }
      int status = Integer.parseInt(parts[1]);
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      String line;
      while (!(line = line()).isEmpty()) {
        int colon = line.indexOf(':');
        headers.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).strip()));
      }
      RawResponse shape = new RawResponse(statusLine, status, headers, new byte[0], -1);
      boolean noBody = headRequest || status < 200 || status == 204 || status == 304;
      if (noBody) {
        return shape;
      }
      String te = shape.header("transfer-encoding");
      if (te != null && te.toLowerCase().contains("chunked")) {
        return readChunked(statusLine, status, headers);
      }
      String length = shape.header("content-length");
      byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
      if (length != null && body.length != Integer.parseInt(length)) {
        throw new EOFException("body ended after " + body.length + " of " + length + " bytes");
      }
      return new RawResponse(statusLine, status, headers, body, -1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private RawResponse readChunked(String statusLine, int status, List<Map.Entry<String, String>> headers)
      throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int chunks = 0;
    while (true) {
      String sizeLine = line();
      int semi = sizeLine.indexOf(';');
      int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).strip(), 16);
      if (size == 0) {
        String trailer;
        while (!(trailer = line()).isEmpty()) {
          headers.add(Map.entry(trailer.substring(0, trailer.indexOf(':')),
              trailer.substring(trailer.indexOf(':') + 1).strip()));
        }
        return new RawResponse(statusLine, status, headers, body.toByteArray(), chunks);
      }
      byte[] chunk = in.readNBytes(size);
      if (chunk.length != size) {
        throw new EOFException("chunk ended after " + chunk.length + " of " + size + " bytes");
      }
      body.write(chunk);
      chunks++;
      if (!line().isEmpty()) {
        throw new IOException("chunk of " + size + " bytes not followed by CRLF");
      }
    }
  }

  /** A CRLF-terminated line without its CRLF; EOF before any byte is an error. */
  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
      }
      b.write(c);
    }
    throw new EOFException("connection closed" + (b.size() > 0 ? " mid-line: " + b : ""));
  }

  /**
   * True when the peer closes the connection (EOF or reset) before sending anything more; false
   * when bytes arrive instead. Fails if neither happens within the read timeout.
   */
  public boolean awaitClosed() {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection stayed open for " + READ_TIMEOUT, e);
    } catch (IOException e) {
      return true; // connection reset
    }
  }

  /** Half-closes the sending side, as a client that has nothing more to say. */
  public void shutdownOutput() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
