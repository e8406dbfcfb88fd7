package dev.sluice.xds.resource;

import com.google.protobuf.UInt32Value;
import java.time.Duration;

/** Conversions from protobuf well-known types with the range checks the model relies on. */
final class ProtoValues {
  private ProtoValues() {}

  static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  /**
   * A duration field that must not be negative, or {@code fallback} when unset. Zero is passed
   * through: for Envoy's timeouts it means "disabled".
   */
  static Duration nonNegative(boolean present, com.google.protobuf.Duration value, Duration fallback,
      String path, DecodeContext ctx) {
    if (!present) {
      return fallback;
    }
    Duration d = duration(value);
    if (d.isNegative()) {
      ctx.error(path, "must not be negative (value: " + formatDuration(d) + ")");
      return fallback;
    }
    return d;
  }

  /** A duration field that must be strictly positive, or {@code fallback} when unset. */
  static Duration positive(boolean present, com.google.protobuf.Duration value, Duration fallback,
      String path, DecodeContext ctx) {
    if (!present) {
      return fallback;
    }
    Duration d = duration(value);
    if (d.isNegative() || d.isZero()) {
      ctx.error(path, "must be greater than 0s (value: " + formatDuration(d) + ")");
      return fallback;
    }
    return d;
  }

  /**
   * A uint32 (proto field or wrapper value) as an int. Java reads uint32 as a signed int, so
   * values above {@code Integer.MAX_VALUE} arrive negative; the model cannot hold them.
   */
  static int uint32(int raw, String path, DecodeContext ctx) {
    if (raw < 0) {
      ctx.error(path, "value " + Integer.toUnsignedString(raw) + " is too large (at most " + Integer.MAX_VALUE + ")");
      return 0;
    }
    return raw;
  }

  static int uint32(boolean present, UInt32Value value, int fallback, String path, DecodeContext ctx) {
    return present ? uint32(value.getValue(), path, ctx) : fallback;
  }

  /** Envoy's JSON rendering of a duration, e.g. {@code 1.500s}, for messages. */
  static String formatDuration(Duration d) {
    if (d.getNano() == 0) {
      return d.getSeconds() + "s";
    }
    return java.math.BigDecimal.valueOf(d.getSeconds())
        .add(java.math.BigDecimal.valueOf(d.getNano(), 9))
        .stripTrailingZeros()
        .toPlainString() + "s";
  }
}
