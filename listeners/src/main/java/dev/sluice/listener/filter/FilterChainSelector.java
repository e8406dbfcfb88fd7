package dev.sluice.listener.filter;

import dev.sluice.config.CidrRange;
import dev.sluice.config.FilterChainMatchConfig;
import dev.sluice.config.FilterChainMatchConfig.SourceType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Picks the filter chain of a connection the way Envoy's {@code FilterChainManagerImpl} does:
 * destination port, destination IP, server name, transport protocol, application protocols,
 * source type, source IP, source port. At each step only the candidates with the most specific
 * value that matches stay (an exact port over port 0, the longest prefix, an exact server name over
 * the longest {@code *.} suffix over chains without names, ...), and a later step never goes back:
 * when the most specific bucket fails further down, the connection matches nothing, exactly as in
 * Envoy's nested maps. Compiled once per listener configuration; immutable.
 */
public final class FilterChainSelector {
  /** The answer of {@link #select} when no chain matches. */
  public static final int NO_MATCH = -1;

  private final Chain[] chains;
  private final boolean single;
  private final boolean usesDestinationIp;
  private final boolean usesSourceIp;
  private final boolean usesSourceType;

  private FilterChainSelector(Chain[] chains) {
    this.chains = chains;
    this.single = chains.length == 1 && chains[0].matchesAnything;
    this.usesDestinationIp = Arrays.stream(chains).anyMatch(c -> c.prefixRanges.length > 0);
    this.usesSourceIp = Arrays.stream(chains).anyMatch(c -> c.sourceRanges.length > 0);
    this.usesSourceType = Arrays.stream(chains).anyMatch(c -> c.sourceType != SourceType.ANY);
  }

  /** Compiles the matches of a listener's filter chains, in configuration order. */
  public static FilterChainSelector compile(List<FilterChainMatchConfig> matches) {
    return new FilterChainSelector(matches.stream().map(Chain::new).toArray(Chain[]::new));
  }

  /**
   * The index of the chain serving a connection, or {@link #NO_MATCH}.
   *
   * @param serverName the SNI the TLS inspector found, lower case, or {@code null}
   * @param transportProtocol {@code tls} or {@code raw_buffer}
   * @param applicationProtocols the client's ALPN list in its order of preference
   */
  public int select(InetSocketAddress local, InetSocketAddress remote, String serverName, String transportProtocol,
      List<String> applicationProtocols) {
    if (single) {
      return 0;
    }
    int[] candidates = new int[chains.length];
    int n = chains.length;
    for (int i = 0; i < n; i++) {
      candidates[i] = i;
    }
    int localPort = local.getPort();
    n = keepBest(candidates, n, i -> chains[i].destinationPort == localPort ? 1 : chains[i].destinationPort == 0 ? 0 : -1);
    if (n > 0 && usesDestinationIp) {
      byte[] ip = bytes(local);
      n = keepBest(candidates, n, i -> longestPrefix(chains[i].prefixRanges, ip));
    }
    String sni = serverName == null ? "" : serverName;
    n = keepBest(candidates, n, i -> chains[i].serverNameScore(sni));
    n = keepBest(candidates, n, i -> chains[i].transportProtocol.equals(transportProtocol) ? 1
        : chains[i].transportProtocol.isEmpty() ? 0 : -1);
    n = keepApplicationProtocol(candidates, n, applicationProtocols);
    if (n > 0 && usesSourceType) {
      n = keepSourceType(candidates, n, isSameIpOrLoopback(local, remote));
    }
    if (n > 0 && usesSourceIp) {
      byte[] ip = bytes(remote);
      n = keepBest(candidates, n, i -> longestPrefix(chains[i].sourceRanges, ip));
    }
    int remotePort = remote.getPort();
    n = keepBest(candidates, n, i -> chains[i].sourcePorts.length == 0 ? 0
        : Arrays.binarySearch(chains[i].sourcePorts, remotePort) >= 0 ? 1 : -1);
    // Envoy refuses two chains with identical matches; should they reach us, the first one wins.
    return n == 0 ? NO_MATCH : candidates[0];
  }

  private interface Score {
    /** How specifically chain {@code i} matches; negative for no match. */
    int of(int i);
  }

  /** Keeps the candidates with the highest non-negative score, preserving their order. */
  private static int keepBest(int[] candidates, int n, Score score) {
    int best = -1;
    int kept = 0;
    for (int k = 0; k < n; k++) {
      int c = candidates[k];
      int s = score.of(c);
      if (s > best) {
        best = s;
        kept = 0;
      }
      if (s == best && s >= 0) {
        candidates[kept++] = c;
      }
    }
    return kept;
  }

  /** Envoy takes the first protocol in the client's list that some chain names, else chains naming none. */
  private int keepApplicationProtocol(int[] candidates, int n, List<String> offered) {
    for (String protocol : offered) {
      int kept = 0;
      for (int k = 0; k < n; k++) {
        if (chains[candidates[k]].applicationProtocols.contains(protocol)) {
          candidates[kept++] = candidates[k];
        }
      }
      if (kept > 0) {
        return kept;
      }
    }
    int kept = 0;
    for (int k = 0; k < n; k++) {
      if (chains[candidates[k]].applicationProtocols.isEmpty()) {
        candidates[kept++] = candidates[k];
      }
    }
    return kept;
  }

  /** The chains for this kind of peer if there are any, else those for any peer. */
  private int keepSourceType(int[] candidates, int n, boolean local) {
    SourceType wanted = local ? SourceType.SAME_IP_OR_LOOPBACK : SourceType.EXTERNAL;
    int kept = keepType(candidates, n, wanted);
    return kept > 0 ? kept : keepType(candidates, n, SourceType.ANY);
  }

  private int keepType(int[] candidates, int n, SourceType type) {
    int kept = 0;
    for (int k = 0; k < n; k++) {
      if (chains[candidates[k]].sourceType == type) {
        candidates[kept++] = candidates[k];
      }
    }
    return kept;
  }

  /** Envoy's {@code isSameIpOrLoopback}: a loopback peer, or one whose address is our own. */
  static boolean isSameIpOrLoopback(InetSocketAddress local, InetSocketAddress remote) {
    InetAddress peer = remote.getAddress();
    return peer != null && (peer.isLoopbackAddress() || peer.equals(local.getAddress()));
  }

  private static byte[] bytes(InetSocketAddress address) {
    InetAddress ip = address.getAddress();
    return ip == null ? new byte[0] : ip.getAddress();
  }

  /** The longest matching prefix length; 0 when the chain names no ranges (any address), -1 for none. */
  private static int longestPrefix(Cidr[] ranges, byte[] ip) {
    if (ranges.length == 0) {
      return 0;
    }
    int best = -1;
    for (Cidr range : ranges) {
      if (range.length > best && range.contains(ip)) {
        best = range.length;
      }
    }
    return best;
  }

  /** A CIDR range with its address bytes parsed once (CidrRange parses on every call). */
  private static final class Cidr {
    final byte[] prefix;
    final int length;

    Cidr(CidrRange range) {
      this.prefix = range.addressBytes();
      this.length = range.prefixLen();
    }

    boolean contains(byte[] ip) {
      return CidrRange.contains(prefix, length, ip);
    }
  }

  /** One chain's match, precompiled. */
  private static final class Chain {
    final int destinationPort;
    final Cidr[] prefixRanges;
    final boolean anyServerName;
    final Set<String> exactNames = new HashSet<>();
    /** Wildcards without their '*': ".example.com". */
    final String[] wildcardSuffixes;
    final String transportProtocol;
    final Set<String> applicationProtocols;
    final SourceType sourceType;
    final Cidr[] sourceRanges;
    final int[] sourcePorts;
    final boolean matchesAnything;

    Chain(FilterChainMatchConfig match) {
      destinationPort = match.destinationPort();
      prefixRanges = match.prefixRanges().stream().map(Cidr::new).toArray(Cidr[]::new);
      anyServerName = match.serverNames().isEmpty();
      wildcardSuffixes = match.serverNames().stream().filter(s -> s.startsWith("*.")).map(s -> s.substring(1))
          .toArray(String[]::new);
      match.serverNames().stream().filter(s -> !s.startsWith("*.")).forEach(exactNames::add);
      transportProtocol = match.transportProtocol();
      applicationProtocols = Set.copyOf(match.applicationProtocols());
      sourceType = match.sourceType();
      sourceRanges = match.sourcePrefixRanges().stream().map(Cidr::new).toArray(Cidr[]::new);
      sourcePorts = match.sourcePorts().stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
      matchesAnything = match.equals(FilterChainMatchConfig.ANY);
    }

    /**
     * Exact name above every wildcard, a longer wildcard above a shorter one, chains without names
     * last; -1 for no match. A wildcard needs at least one label before its suffix: "*.example.com"
     * does not match "example.com".
     */
    int serverNameScore(String sni) {
      if (anyServerName) {
        return 0;
      }
      if (exactNames.contains(sni)) {
        return Integer.MAX_VALUE;
      }
      int best = -1;
      for (String suffix : wildcardSuffixes) {
        if (sni.length() > suffix.length() && sni.endsWith(suffix) && suffix.length() + 1 > best) {
          best = suffix.length() + 1;
        }
      }
      return best;
    }
  }
}
