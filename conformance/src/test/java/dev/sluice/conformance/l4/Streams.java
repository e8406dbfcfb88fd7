package dev.sluice.conformance.l4;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * Bulk content and the blocking reads and writes the L4 tests share. The pattern is one seeded
 * random 16 KiB chunk with the chunk's index written over its first eight bytes, so a dropped,
 * repeated or reordered chunk changes the checksum, and it costs no memory however long the stream.
 */
final class Streams {
  static final int CHUNK = 16 * 1024;
  static final long MIB = 1L << 20;
  private static final byte[] BASE = new byte[CHUNK];

  static {
    new Random(0x4C34_0001L).nextBytes(BASE);
  }

  private Streams() {}

  /** What one side of a transfer saw: how many bytes and their CRC32. */
  record Checksum(long bytes, long crc32) {
    @Override
    public String toString() {
      return bytes + " bytes, crc32 " + Long.toHexString(crc32);
    }
  }

  /**
   * Writes {@code size} pattern bytes, adding each completed write to {@code progress}, and returns
   * what was written. A write the peer does not take blocks, which is what backpressure tests watch.
   */
  static Checksum writePattern(OutputStream out, long size, AtomicLong progress) throws IOException {
    byte[] chunk = BASE.clone();
    CRC32 crc = new CRC32();
    long written = 0;
    for (long index = 0; written < size; index++) {
      for (int i = 0; i < 8; i++) {
        chunk[i] = (byte) (index >>> (8 * i));
      }
      int n = (int) Math.min(CHUNK, size - written);
      out.write(chunk, 0, n);
      crc.update(chunk, 0, n);
      written += n;
      progress.addAndGet(n);
    }
    out.flush();
    return new Checksum(written, crc.getValue());
  }

  /** The checksum of {@link #writePattern} for {@code size} bytes, computed without any socket. */
  static Checksum patternChecksum(long size) {
    try {
      return writePattern(OutputStream.nullOutputStream(), size, new AtomicLong());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Reads exactly {@code size} bytes and checksums them; an early end of stream fails with what had arrived. */
  static Checksum readExactly(InputStream in, long size, AtomicLong progress) throws IOException {
    byte[] buf = new byte[64 * 1024];
    CRC32 crc = new CRC32();
    long read = 0;
    while (read < size) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, size - read));
      if (n < 0) {
        throw new EOFException("end of stream after " + read + " of " + size + " bytes");
      }
      crc.update(buf, 0, n);
      read += n;
      progress.addAndGet(n);
    }
    return new Checksum(read, crc.getValue());
  }

  /** Reads to the end of the stream and checksums what came. */
  static Checksum readToEnd(InputStream in) throws IOException {
    byte[] buf = new byte[64 * 1024];
    CRC32 crc = new CRC32();
    long read = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      crc.update(buf, 0, n);
      read += n;
    }
    return new Checksum(read, crc.getValue());
  }

  /** Everything up to the end of the stream, as UTF-8. */
  static String readText(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  static void writeText(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** One line (without its terminator) read byte by byte, so nothing after it is consumed. */
  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      line.write(b);
    }
    if (b < 0 && line.size() == 0) {
      throw new EOFException("end of stream before a line");
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  /**
   * How the peer ended the connection, as seen by a blocking read that waits at most the socket's
   * SO_TIMEOUT: {@code "eof"}, {@code "reset"}, or {@code "open"} if nothing happened in time.
   * Bytes that arrive first are skipped.
   */
  static String awaitPeerClose(Socket socket) {
    byte[] buf = new byte[4096];
    try {
      InputStream in = socket.getInputStream();
      while (in.read(buf) >= 0) {
        // skip
      }
      return "eof";
    } catch (SocketTimeoutException e) {
      return "open";
    } catch (SocketException e) {
      return "reset";
    } catch (IOException e) {
      return "reset";
    }
  }
}
