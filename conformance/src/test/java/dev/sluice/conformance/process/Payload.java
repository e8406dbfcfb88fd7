package dev.sluice.conformance.process;

import java.io.InputStream;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Deterministic bulk content generated on the fly, so that 200 MB bodies cost no memory on either
 * side of the proxy. Every 64 KiB block is the same seeded random block with its own index written
 * over its first eight bytes: a dropped, repeated or reordered block changes the checksum.
 */
final class Payload {
  static final long MIB = 1L << 20;
  private static final int BLOCK = 64 * 1024;
  private static final byte[] BASE = new byte[BLOCK];

  static {
    new Random(0x51CE_0001L).nextBytes(BASE);
  }

  private Payload() {}

  /** A stream of exactly {@code size} bytes of payload. */
  static InputStream stream(long size) {
    return new InputStream() {
      private final byte[] block = BASE.clone();
      private long offset;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (offset >= size) {
          return -1;
        }
        int inBlock = (int) (offset % BLOCK);
        if (inBlock == 0) {
          long index = offset / BLOCK;
          for (int i = 0; i < 8; i++) {
            block[i] = (byte) (index >>> (8 * i));
          }
        }
        int n = (int) Math.min(Math.min(len, BLOCK - inBlock), size - offset);
        System.arraycopy(block, inBlock, b, off, n);
        offset += n;
        return n;
      }
    };
  }

  /** The CRC32 of {@link #stream(long) stream(size)}. */
  static long crc32(long size) {
    CRC32 crc = new CRC32();
    byte[] buf = new byte[BLOCK];
    try (InputStream in = stream(size)) {
      int n;
      while ((n = in.read(buf, 0, buf.length)) > 0) {
        crc.update(buf, 0, n);
      }
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    return crc.getValue();
  }
}
