package dev.sluice.xds.resource;

import dev.sluice.config.SocketAddressConfig;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;

/**
 * Decodes Envoy's {@code Address} into a {@link SocketAddressConfig}. Only TCP socket addresses
 * are supported; pipes and internal addresses are rejected by the generic field check.
 */
public final class AddressDecoder {

  /** What the address is used for, which decides whether a DNS name is acceptable. */
  public enum Use {
    /**
     * A listener or admin bind address. Envoy requires an IP literal here (it never resolves a
     * bind address) and allows port 0, meaning "any free port".
     */
    BIND,
    /** An endpoint of a STATIC cluster: Envoy rejects anything but an IP literal. */
    STATIC_ENDPOINT,
    /** An endpoint of a STRICT_DNS cluster: a DNS name or an IP literal. */
    DNS_ENDPOINT,
    /** An endpoint from EDS: Envoy never resolves these, so an IP literal. */
    EDS_ENDPOINT
  }

  private static final Set<String> ADDRESS_FIELDS = Set.of("socket_address");
  private static final Set<String> SOCKET_ADDRESS_FIELDS = Set.of("address", "port_value", "protocol");

  private AddressDecoder() {}

  /** Decodes {@code address} at {@code path}; null when an error was recorded. */
  public static SocketAddressConfig decode(Address address, Use use, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(address, path, ctx, ADDRESS_FIELDS);
    if (!address.hasSocketAddress()) {
      if (ctx.errorCount() == before) {
        ctx.error(path, "socket_address is required");
      }
      return null;
    }
    String saPath = FieldPath.child(path, "socket_address");
    SocketAddress sa = address.getSocketAddress();
    FieldRules.check(sa, saPath, ctx, SOCKET_ADDRESS_FIELDS);
    if (sa.getProtocol() != SocketAddress.Protocol.TCP) {
      ctx.error(FieldPath.child(saPath, "protocol"),
          "protocol " + sa.getProtocol() + " is not supported by Sluice (supported: TCP)");
    }
    String host = sa.getAddress();
    String hostPath = FieldPath.child(saPath, "address");
    if (host.isEmpty()) {
      ctx.error(hostPath, "address is required");
    } else if (use != Use.DNS_ENDPOINT && !isIpLiteral(host)) {
      // Envoy's own wording, from Network::Utility::parseInternetAddress.
      ctx.error(hostPath, "malformed IP address: '" + host + "' ("
          + switch (use) {
            case BIND -> "a bind address must be an IP address";
            case EDS_ENDPOINT -> "EDS endpoints must be IP addresses";
            default -> "STATIC cluster endpoints must be IP addresses; use type STRICT_DNS to resolve names";
          }
          + ")");
    }
    int port = sa.getPortValue();
    if (use != Use.BIND && port == 0) {
      ctx.error(FieldPath.child(saPath, "port_value"), "an upstream endpoint needs a port_value");
    }
    if (ctx.errorCount() != before) {
      return null;
    }
    try {
      return new SocketAddressConfig(host, port);
    } catch (IllegalArgumentException e) {
      ctx.error(saPath, e.getMessage());
      return null;
    }
  }

  /**
   * True for an IPv4 dotted quad or an IPv6 literal, decided without any DNS lookup. IPv4 octets
   * with leading zeros are refused, as {@code inet_pton} refuses them.
   */
  public static boolean isIpLiteral(String host) {
    return isIpv4(host) || isIpv6(host);
  }

  /** The canonical text of an IP literal, so that {@code ::} and {@code 0:0::0} compare equal. */
  public static String canonicalIp(String ipLiteral) {
    if (!isIpv6(ipLiteral)) {
      return ipLiteral;
    }
    try {
      return InetAddress.getByName(ipLiteral).getHostAddress();
    } catch (UnknownHostException e) {
      return ipLiteral;
    }
  }

  private static boolean isIpv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return false;
      }
      for (int i = 0; i < p.length(); i++) {
        if (p.charAt(i) < '0' || p.charAt(i) > '9') {
          return false;
        }
      }
      if (Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIpv6(String host) {
    if (host.indexOf(':') < 0) {
      return false;
    }
    // Only hex digits, ':' and '.' (for an embedded IPv4 tail) may appear. This also guarantees
    // InetAddress treats the text as a literal and never falls back to a DNS lookup.
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
        return false;
      }
    }
    try {
      InetAddress.getByName(host);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
