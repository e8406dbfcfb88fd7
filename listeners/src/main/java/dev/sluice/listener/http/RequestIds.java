package dev.sluice.listener.http;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Random version 4 UUID strings for {@code x-request-id}. ThreadLocalRandom rather than
 * {@link java.util.UUID#randomUUID()}: request ids need uniqueness, not unpredictability, and the
 * secure generator serializes every event loop on one lock.
 */
final class RequestIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  static String next() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    char[] out = new char[36];
    hex(hi >>> 32, out, 0, 8);
    out[8] = '-';
    hex(hi >>> 16, out, 9, 4);
    out[13] = '-';
    hex(hi, out, 14, 4);
    out[18] = '-';
    hex(lo >>> 48, out, 19, 4);
    out[23] = '-';
    hex(lo, out, 24, 12);
    return new String(out);
  }

  private static void hex(long value, char[] out, int offset, int digits) {
    for (int i = offset + digits - 1; i >= offset; i--) {
      out[i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
  }
}
