package dev.sluice.perf.load;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * An incremental, allocation-free HTTP/1.1 response parser for the load generator: it finds where
 * each response ends (Content-Length, chunked, or no body for 1xx/204/304) and reports its status.
 * It keeps nothing of headers or bodies; the generator only needs to count and time responses.
 */
final class ResponseParser {
  /** What {@link #parse} returns while the current response is still incomplete. */
  static final int INCOMPLETE = -1;

  private static final int MAX_LINE = 16 * 1024;

  private enum State { STATUS, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS }

  private final byte[] line = new byte[MAX_LINE];
  /** Bytes of the line being read; the line is complete once its LF arrives. */
  private int partial;
  /** Length of the last complete line in {@code line}, CR LF excluded. */
  private int length;
  private State state = State.STATUS;
  private int status;
  private long remaining;
  private boolean chunked;
  private boolean close;

  /**
   * Consumes bytes of {@code in} up to the end of the current response. Returns its status code
   * when it completes (the rest of {@code in} stays unread), or {@link #INCOMPLETE}.
   *
   * @throws IllegalStateException on input that is not an HTTP/1.1 response
   */
  int parse(ByteBuf in) {
    while (in.isReadable()) {
      switch (state) {
        case STATUS -> {
          if (!readLine(in)) {
            return INCOMPLETE;
          }
          if (length == 0) {
            continue; // tolerate a stray CRLF between responses
          }
          status = parseStatus();
          remaining = -1;
          chunked = false;
          close = false;
          state = State.HEADERS;
        }
        case HEADERS -> {
          if (!readLine(in)) {
            return INCOMPLETE;
          }
          if (length > 0) {
            header();
            continue;
          }
          if (status >= 100 && status < 200) {
            state = State.STATUS; // interim response; the final one follows
          } else if (status == 204 || status == 304) {
            return complete();
          } else if (chunked) {
            state = State.CHUNK_SIZE;
          } else if (remaining > 0) {
            state = State.BODY;
          } else if (remaining == 0) {
            return complete();
          } else {
            throw new IllegalStateException("response " + status + " without Content-Length or chunking");
          }
        }
        case BODY -> {
          int n = (int) Math.min(remaining, in.readableBytes());
          in.skipBytes(n);
          remaining -= n;
          if (remaining == 0) {
            return complete();
          }
        }
        case CHUNK_SIZE -> {
          if (!readLine(in)) {
            return INCOMPLETE;
          }
          remaining = chunkSize();
          state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
        }
        case CHUNK_DATA -> {
          int n = (int) Math.min(remaining, in.readableBytes());
          in.skipBytes(n);
          remaining -= n;
          if (remaining == 0) {
            state = State.CHUNK_END;
          }
        }
        case CHUNK_END -> {
          if (!readLine(in)) {
            return INCOMPLETE;
          }
          state = State.CHUNK_SIZE;
        }
        case TRAILERS -> {
          if (!readLine(in)) {
            return INCOMPLETE;
          }
          if (length == 0) {
            return complete();
          }
        }
      }
    }
    return INCOMPLETE;
  }

  /** Forgets any partly read response, for a new connection. */
  void reset() {
    state = State.STATUS;
    partial = 0;
  }

  /** True when the last completed response said {@code Connection: close}. */
  boolean closeRequested() {
    return close;
  }

  /** True when no response is partly read. */
  boolean idle() {
    return state == State.STATUS && partial == 0;
  }

  private int complete() {
    state = State.STATUS;
    return status;
  }

  /** Reads up to and including LF; then the line (without CR LF) is {@code line[0, length)}. */
  private boolean readLine(ByteBuf in) {
    int start = in.readerIndex();
    int lf = in.forEachByte(ByteProcessor.FIND_LF);
    int stop = lf < 0 ? in.writerIndex() : lf;
    int n = stop - start;
    if (partial + n > MAX_LINE) {
      throw new IllegalStateException("response line longer than " + MAX_LINE + " bytes");
    }
    in.getBytes(start, line, partial, n);
    partial += n;
    if (lf < 0) {
      in.readerIndex(stop);
      return false;
    }
    in.readerIndex(lf + 1);
    length = partial > 0 && line[partial - 1] == '\r' ? partial - 1 : partial;
    partial = 0;
    return true;
  }

  private int parseStatus() {
    // "HTTP/1.1 200 OK"
    if (length < 12 || line[0] != 'H' || line[8] != ' ') {
      throw new IllegalStateException("not an HTTP status line: " + new String(line, 0, length,
          StandardCharsets.ISO_8859_1));
    }
    return (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  }

  private void header() {
    if (startsWithIgnoreCase("content-length:")) {
      long value = 0;
      for (int i = 15; i < length; i++) {
        byte b = line[i];
        if (b >= '0' && b <= '9') {
          value = value * 10 + (b - '0');
        }
      }
      remaining = value;
    } else if (startsWithIgnoreCase("transfer-encoding:")) {
      chunked = containsIgnoreCase("chunked");
    } else if (startsWithIgnoreCase("connection:")) {
      close = containsIgnoreCase("close");
    }
  }

  private long chunkSize() {
    long size = 0;
    for (int i = 0; i < length; i++) {
      int d = Character.digit(line[i], 16);
      if (d < 0) {
        break; // chunk extensions follow ';'
      }
      size = size * 16 + d;
    }
    return size;
  }

  private boolean startsWithIgnoreCase(String prefix) {
    if (length < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (Character.toLowerCase(line[i]) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private boolean containsIgnoreCase(String word) {
    outer:
    for (int i = 0; i + word.length() <= length; i++) {
      for (int j = 0; j < word.length(); j++) {
        if (Character.toLowerCase(line[i + j]) != word.charAt(j)) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
