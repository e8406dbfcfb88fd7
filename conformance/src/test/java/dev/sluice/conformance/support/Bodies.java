package dev.sluice.conformance.support;

import java.util.zip.CRC32;

/**
 * The deterministic byte pattern that {@link TestBackend} streams for {@code ?bytes=N} and that
 * tests upload. Byte {@code i} is {@code i mod 251}: 251 is prime, so no power-of-two chunk size
 * lines up with the period and a reordered, repeated or lost chunk changes the checksum.
 */
public final class Bodies {
  private Bodies() {}

  public static byte at(long offset) {
    return (byte) (offset % 251);
  }

  public static byte[] pattern(int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; i++) {
      out[i] = at(i);
    }
    return out;
  }

  public static long crc32(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }

  /** The CRC32 of the first {@code length} pattern bytes, computed without holding them all. */
  public static long patternCrc32(long length) {
    CRC32 crc = new CRC32();
    byte[] block = new byte[251 * 64];
    for (int i = 0; i < block.length; i++) {
      block[i] = at(i);
    }
    long done = 0;
    while (done < length) {
      int n = (int) Math.min(block.length, length - done);
      crc.update(block, 0, n); // block.length is a multiple of 251, so every block starts at phase 0
      done += n;
    }
    return crc.getValue();
  }

  /** The offset of the first byte that differs from the pattern, or -1 when all match. */
  public static int firstMismatch(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] != at(i)) {
        return i;
      }
    }
    return -1;
  }
}
