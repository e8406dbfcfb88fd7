package dev.sluice.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Envoy's {@code core.v3.CidrRange}: an IP prefix, used by filter-chain matches on destination and
 * source addresses. The prefix must be an IP literal; host bits beyond the length are ignored, as in
 * Envoy.
 */
public record CidrRange(String addressPrefix, int prefixLen) {
  public CidrRange {
    Objects.requireNonNull(addressPrefix, "address_prefix");
    byte[] bytes = literal(addressPrefix);
    int max = bytes.length * 8;
    if (prefixLen < 0 || prefixLen > max) {
      throw new IllegalArgumentException("prefix_len " + prefixLen + " is outside 0.." + max + " for " + addressPrefix);
    }
  }

  /** The address bytes of {@code prefix}, which must be an IPv4 or IPv6 literal (no name lookups). */
  private static byte[] literal(String prefix) {
    boolean looksLikeIp = !prefix.isEmpty()
        && (prefix.indexOf(':') >= 0 || prefix.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9')));
    if (!looksLikeIp) {
      throw new IllegalArgumentException("address_prefix '" + prefix + "' is not an IP address");
    }
    try {
      return InetAddress.getByName(prefix).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("address_prefix '" + prefix + "' is not an IP address");
    }
  }

  /** The prefix's address bytes (4 or 16). */
  public byte[] addressBytes() {
    return literal(addressPrefix);
  }

  /**
   * True when {@code address} (4 or 16 bytes) lies in the range of {@code prefix} and
   * {@code prefixLen}; families never match each other. Static so that matchers can keep the
   * prefix bytes parsed once ({@link #addressBytes()} parses on every call).
   */
  public static boolean contains(byte[] prefix, int prefixLen, byte[] address) {
    if (prefix.length != address.length) {
      return false;
    }
    int full = prefixLen / 8;
    for (int i = 0; i < full; i++) {
      if (prefix[i] != address[i]) {
        return false;
      }
    }
    int rest = prefixLen % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (prefix[full] & mask) == (address[full] & mask);
  }

  @Override
  public String toString() {
    return addressPrefix + "/" + prefixLen;
  }
}
