package dev.sluice.listener.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.CidrRange;
import dev.sluice.config.FilterChainMatchConfig;
import dev.sluice.config.FilterChainMatchConfig.SourceType;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Envoy's filter-chain match order, one narrowing step at a time. */
class FilterChainSelectorTest {
  private static final InetSocketAddress LOCAL = new InetSocketAddress("10.0.0.5", 8443);
  private static final InetSocketAddress REMOTE = new InetSocketAddress("192.168.1.20", 40000);

  /** A builder-ish way to write matches: every field empty unless set. */
  private static final class M {
    int port;
    List<CidrRange> prefixes = List.of();
    List<String> names = List.of();
    String transport = "";
    List<String> alpn = List.of();
    SourceType sourceType = SourceType.ANY;
    List<CidrRange> sources = List.of();
    List<Integer> sourcePorts = List.of();

    FilterChainMatchConfig build() {
      return new FilterChainMatchConfig(port, prefixes, names, transport, alpn, sourceType, sources, sourcePorts);
    }
  }

  private static M m() {
    return new M();
  }

  private static int select(List<M> chains, InetSocketAddress local, InetSocketAddress remote, String sni,
      String transport, List<String> alpn) {
    return FilterChainSelector.compile(chains.stream().map(M::build).toList()).select(local, remote, sni, transport, alpn);
  }

  private static int select(List<M> chains, String sni) {
    return select(chains, LOCAL, REMOTE, sni, "tls", List.of());
  }

  private static CidrRange cidr(String prefix, int length) {
    return new CidrRange(prefix, length);
  }

  @Test
  void singleCatchAllChainAlwaysMatches() {
    assertThat(select(List.of(m()), null)).isZero();
    assertThat(select(List.of(m()), LOCAL, REMOTE, null, "raw_buffer", List.of())).isZero();
  }

  @Test
  void exactDestinationPortWinsAndPortZeroIsNotAFallback() {
    M onPort = m();
    onPort.port = 8443;
    onPort.names = List.of("a.example.com");
    M anyPort = m();
    assertThat(select(List.of(anyPort, onPort), "a.example.com")).isEqualTo(1);
    // The 8443 bucket exists but fails on the server name: Envoy does not fall back to port 0.
    assertThat(select(List.of(anyPort, onPort), "b.example.com")).isEqualTo(FilterChainSelector.NO_MATCH);
    // On another port only the port-0 chain is a candidate.
    assertThat(select(List.of(anyPort, onPort), new InetSocketAddress("10.0.0.5", 9000), REMOTE, "a.example.com",
        "tls", List.of())).isZero();
  }

  @Test
  void destinationPortIsDecidedBeforeDestinationIp() {
    M port = m();
    port.port = 8443;
    M ip = m();
    ip.prefixes = List.of(cidr("10.0.0.5", 32));
    assertThat(select(List.of(ip, port), null)).isEqualTo(1);
  }

  @Test
  void longestDestinationPrefixWinsWithoutGoingBack() {
    M wide = m();
    wide.prefixes = List.of(cidr("10.0.0.0", 8));
    M narrow = m();
    narrow.prefixes = List.of(cidr("10.0.0.0", 24), cidr("172.16.0.0", 12));
    narrow.names = List.of("only.example.com");
    M none = m();
    assertThat(select(List.of(none, wide, narrow), "only.example.com")).isEqualTo(2);
    // The /24 bucket fails on SNI; the /8 chain would match but Envoy's trie does not revisit it.
    assertThat(select(List.of(none, wide, narrow), "other.example.com")).isEqualTo(FilterChainSelector.NO_MATCH);
    // An address outside every range falls to chains without ranges.
    assertThat(select(List.of(none, wide, narrow), new InetSocketAddress("11.0.0.1", 8443), REMOTE, null, "tls",
        List.of())).isZero();
  }

  @Test
  void ipv6AndIpv4RangesDoNotMatchEachOther() {
    M v6 = m();
    v6.prefixes = List.of(cidr("::", 0));
    assertThat(select(List.of(v6), null)).isEqualTo(FilterChainSelector.NO_MATCH);
    assertThat(select(List.of(v6), new InetSocketAddress("::1", 8443), REMOTE, null, "tls", List.of())).isZero();
  }

  @Test
  void serverNameExactThenLongestWildcardThenChainsWithoutNames() {
    M exact = m();
    exact.names = List.of("api.example.com");
    M wildcard = m();
    wildcard.names = List.of("*.example.com");
    M longer = m();
    longer.names = List.of("*.eu.example.com");
    M none = m();
    List<M> chains = List.of(none, wildcard, longer, exact);
    assertThat(select(chains, "api.example.com")).isEqualTo(3);
    assertThat(select(chains, "web.example.com")).isEqualTo(1);
    assertThat(select(chains, "web.eu.example.com")).isEqualTo(2);
    assertThat(select(chains, "a.b.example.com")).isEqualTo(1);
    // A wildcard needs a label before its suffix.
    assertThat(select(chains, "example.com")).isZero();
    assertThat(select(chains, null)).isZero();
    assertThat(select(List.of(exact, wildcard), "other.org")).isEqualTo(FilterChainSelector.NO_MATCH);
  }

  @Test
  void serverNameIsDecidedBeforeTransportProtocol() {
    M named = m();
    named.names = List.of("a.example.com");
    named.transport = "raw_buffer";
    M tls = m();
    tls.transport = "tls";
    assertThat(select(List.of(tls, named), "a.example.com")).isEqualTo(FilterChainSelector.NO_MATCH);
    assertThat(select(List.of(tls, named), "b.example.com")).isZero();
  }

  @Test
  void exactTransportProtocolBeforeChainsWithoutOne() {
    M tls = m();
    tls.transport = "tls";
    M raw = m();
    raw.transport = "raw_buffer";
    M any = m();
    assertThat(select(List.of(any, tls, raw), LOCAL, REMOTE, null, "tls", List.of())).isEqualTo(1);
    assertThat(select(List.of(any, tls, raw), LOCAL, REMOTE, null, "raw_buffer", List.of())).isEqualTo(2);
    assertThat(select(List.of(any, tls), LOCAL, REMOTE, null, "raw_buffer", List.of())).isZero();
  }

  @Test
  void applicationProtocolsFollowTheClientsOrder() {
    M h2 = m();
    h2.alpn = List.of("h2");
    M h1 = m();
    h1.alpn = List.of("http/1.1");
    M none = m();
    List<M> chains = List.of(none, h2, h1);
    assertThat(select(chains, LOCAL, REMOTE, null, "tls", List.of("h2", "http/1.1"))).isEqualTo(1);
    assertThat(select(chains, LOCAL, REMOTE, null, "tls", List.of("http/1.1", "h2"))).isEqualTo(2);
    assertThat(select(chains, LOCAL, REMOTE, null, "tls", List.of("acme-tls/1"))).isZero();
    assertThat(select(chains, LOCAL, REMOTE, null, "tls", List.of())).isZero();
    assertThat(select(List.of(h2), LOCAL, REMOTE, null, "tls", List.of("http/1.1")))
        .isEqualTo(FilterChainSelector.NO_MATCH);
  }

  @Test
  void sourceTypeLocalOrExternalBeforeAny() {
    M local = m();
    local.sourceType = SourceType.SAME_IP_OR_LOOPBACK;
    M external = m();
    external.sourceType = SourceType.EXTERNAL;
    M any = m();
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 5555);
    InetSocketAddress sameIp = new InetSocketAddress("10.0.0.5", 5555);
    assertThat(select(List.of(any, local, external), LOCAL, loopback, null, "tls", List.of())).isEqualTo(1);
    assertThat(select(List.of(any, local, external), LOCAL, sameIp, null, "tls", List.of())).isEqualTo(1);
    assertThat(select(List.of(any, local, external), LOCAL, REMOTE, null, "tls", List.of())).isEqualTo(2);
    // A local peer with no local-only chain falls to ANY, never to EXTERNAL.
    assertThat(select(List.of(any, external), LOCAL, loopback, null, "tls", List.of())).isZero();
    assertThat(select(List.of(external), LOCAL, loopback, null, "tls", List.of()))
        .isEqualTo(FilterChainSelector.NO_MATCH);
  }

  @Test
  void sourceTypeIsDecidedBeforeSourceIp() {
    M external = m();
    external.sourceType = SourceType.EXTERNAL;
    external.sources = List.of(cidr("10.9.0.0", 16));
    M byIp = m();
    byIp.sources = List.of(cidr("192.168.1.0", 24));
    assertThat(select(List.of(byIp, external), null)).isEqualTo(FilterChainSelector.NO_MATCH);
  }

  @Test
  void longestSourcePrefixThenExactSourcePort() {
    M wide = m();
    wide.sources = List.of(cidr("192.168.0.0", 16));
    M narrow = m();
    narrow.sources = List.of(cidr("192.168.1.0", 24));
    narrow.sourcePorts = List.of(40000);
    M narrowAnyPort = m();
    narrowAnyPort.sources = List.of(cidr("192.168.1.0", 24));
    List<M> chains = List.of(wide, narrowAnyPort, narrow);
    assertThat(select(chains, null)).isEqualTo(2);
    assertThat(select(chains, LOCAL, new InetSocketAddress("192.168.1.20", 40001), null, "tls", List.of()))
        .isEqualTo(1);
    assertThat(select(chains, LOCAL, new InetSocketAddress("192.168.7.1", 40000), null, "tls", List.of()))
        .isZero();
    assertThat(select(List.of(narrow), LOCAL, new InetSocketAddress("192.168.1.20", 1), null, "tls", List.of()))
        .isEqualTo(FilterChainSelector.NO_MATCH);
  }

  @Test
  void identicalMatchesResolveToTheFirst() {
    M a = m();
    a.names = List.of("x.example.com");
    M b = m();
    b.names = List.of("x.example.com");
    assertThat(select(List.of(a, b), "x.example.com")).isZero();
  }
}
