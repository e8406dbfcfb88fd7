package dev.sluice.listener.filter;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What filter-chain matching needs from a TLS ClientHello: the server name (SNI, RFC 6066
 * section 3) and the offered application protocols (ALPN, RFC 7301 section 3.1).
 *
 * <p>Parsed by hand because Netty offers no parser that yields both: {@code AbstractSniHandler}
 * extracts the host name only, and a TLS engine would consume the bytes that must reach the
 * chain's own engine or the upstream untouched. Every length is checked against what remains, so a
 * hostile hello can only make the parse fail, and a failed parse means "not TLS", as in Envoy.
 *
 * @param serverName the host name, lower-cased, or {@code null} when the client sent none
 * @param applicationProtocols the ALPN protocols in the client's order; empty when none
 */
public record ClientHello(String serverName, List<String> applicationProtocols) {
  private static final int EXTENSION_SERVER_NAME = 0;
  private static final int EXTENSION_ALPN = 16;
  private static final int NAME_TYPE_HOST_NAME = 0;

  public ClientHello {
    applicationProtocols = List.copyOf(applicationProtocols);
  }

  /**
   * Parses a ClientHello handshake body (after the 4-byte handshake header, as Netty's
   * {@code SslClientHelloHandler} hands it over) without moving the buffer's indices.
   *
   * @return the hello, or {@code null} when the bytes are not a well-formed ClientHello
   */
  public static ClientHello parse(ByteBuf body) {
    Reader in = new Reader(body, body.readerIndex(), body.writerIndex());
    // legacy_version (2), random (32), legacy_session_id <0..32>, cipher_suites <2..2^16-2>,
    // legacy_compression_methods <1..2^8-1>: RFC 8446 section 4.1.2.
    if (!in.skip(2 + 32) || !in.skip(in.u8()) || !in.skip(in.u16()) || !in.skip(in.u8())) {
      return null;
    }
    if (in.remaining() == 0) {
      return new ClientHello(null, List.of()); // TLS 1.2 allows a hello without extensions
    }
    int extensionsLength = in.u16();
    if (extensionsLength < 0 || extensionsLength != in.remaining()) {
      return null;
    }
    String serverName = null;
    List<String> protocols = List.of();
    while (in.remaining() > 0) {
      int type = in.u16();
      int length = in.u16();
      if (length < 0 || length > in.remaining()) {
        return null;
      }
      Reader data = in.slice(length);
      if (type == EXTENSION_SERVER_NAME) {
        serverName = serverName(data);
        if (serverName == null) {
          return null;
        }
      } else if (type == EXTENSION_ALPN) {
        protocols = protocols(data);
        if (protocols == null) {
          return null;
        }
      }
    }
    return new ClientHello(serverName == null || serverName.isEmpty() ? null : serverName, protocols);
  }

  /** The first host_name entry, "" when the list has none, or null when malformed. */
  private static String serverName(Reader data) {
    int listLength = data.u16();
    if (listLength < 0 || listLength != data.remaining()) {
      return null;
    }
    String host = "";
    while (data.remaining() > 0) {
      int nameType = data.u8();
      int nameLength = data.u16();
      if (nameType < 0 || nameLength < 0 || nameLength > data.remaining()) {
        return null;
      }
      if (nameType == NAME_TYPE_HOST_NAME && host.isEmpty()) {
        // RFC 6066: ASCII, case-insensitive; chains name servers in lower case.
        host = data.string(nameLength).toLowerCase(Locale.ROOT);
      } else {
        data.skip(nameLength);
      }
    }
    return host;
  }

  private static List<String> protocols(Reader data) {
    int listLength = data.u16();
    if (listLength < 2 || listLength != data.remaining()) {
      return null;
    }
    List<String> protocols = new ArrayList<>(2);
    while (data.remaining() > 0) {
      int length = data.u8();
      if (length < 1 || length > data.remaining()) {
        return null;
      }
      protocols.add(data.string(length));
    }
    return protocols;
  }

  /** Absolute, bounds-checked reads within [position, limit); a read past the limit yields -1. */
  private static final class Reader {
    private final ByteBuf buf;
    private int position;
    private final int limit;

    Reader(ByteBuf buf, int position, int limit) {
      this.buf = buf;
      this.position = position;
      this.limit = limit;
    }

    int remaining() {
      return limit - position;
    }

    int u8() {
      if (remaining() < 1) {
        return -1;
      }
      return buf.getUnsignedByte(position++);
    }

    int u16() {
      if (remaining() < 2) {
        position = limit;
        return -1;
      }
      int value = buf.getUnsignedShort(position);
      position += 2;
      return value;
    }

    boolean skip(int n) {
      if (n < 0 || n > remaining()) {
        return false;
      }
      position += n;
      return true;
    }

    Reader slice(int n) {
      Reader r = new Reader(buf, position, position + n);
      position += n;
      return r;
    }

    String string(int n) {
      String s = buf.toString(position, n, StandardCharsets.US_ASCII);
      position += n;
      return s;
    }
  }
}
