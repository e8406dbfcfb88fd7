package dev.sluice.upstream;

import dev.sluice.config.ClusterConfig.DnsLookupFamily;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Applies a cluster's {@code dns_lookup_family} to the addresses a lookup returned. */
final class DnsFamilies {
  private DnsFamilies() {}

  static List<InetAddress> select(InetAddress[] all, DnsLookupFamily family) {
    List<InetAddress> v4 = new ArrayList<>();
    List<InetAddress> v6 = new ArrayList<>();
    for (InetAddress a : all) {
      if (a instanceof Inet6Address) {
        v6.add(a);
      } else if (a instanceof Inet4Address) {
        v4.add(a);
      }
    }
    return switch (family) {
      case V4_ONLY -> v4;
      case V6_ONLY -> v6;
      case AUTO -> v6.isEmpty() ? v4 : v6;
      case V4_PREFERRED -> v4.isEmpty() ? v6 : v4;
      case ALL -> {
        List<InetAddress> both = new ArrayList<>(v4);
        both.addAll(v6);
        yield both;
      }
    };
  }
}
