package dev.sluice.tls.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.SafeRegex;
import dev.sluice.config.StringMatch;
import dev.sluice.config.SubjectAltNameMatcher;
import dev.sluice.config.SubjectAltNameMatcher.SanType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SanMatcherTest {
  private static SubjectAltNames sans(List<String> uris, List<String> dns, List<String> ips) {
    return new SubjectAltNames(List.of("ops@example.com"), dns, uris, ips);
  }

  /** Envoy's dnsNameMatch cases (source/common/tls/utility.cc and its tests). */
  @ParameterizedTest
  @CsvSource({
      "api.example.com, api.example.com, true",
      "API.Example.com, api.example.COM, true",
      "api.example.com, *.example.com, true",
      "a.b.example.com, *.example.com, false",
      "example.com, *.example.com, false",
      "api.example.com, *.example.org, false",
      "foo-bar.example.com, foo*.example.com, true",
      "foo.example.com, foo*.example.com, true",
      "bar.example.com, foo*.example.com, false",
      "api.example.com, *pi.example.com, true",
      "api.example.com, a*i.example.com, true",
      "api.example.com, a**.example.com, false",
      "api.example.com, api.*.com, false",
      "xn--bcher-kva.example.com, xn--*.example.com, false",
      "localhost, *, false"})
  void dnsWildcardsFollowEnvoy(String name, String pattern, boolean matches) {
    assertThat(SanMatcher.dnsNameMatches(name, pattern)).isEqualTo(matches);
  }

  @Test
  void exactDnsMatcherAcceptsACoveringCertificateWildcard() {
    SanMatcher matcher = SanMatcher.compile(SubjectAltNameMatcher.dnsExact("api.example.com"));
    assertThat(matcher.matches(sans(List.of(), List.of("*.example.com"), List.of()))).isTrue();
    assertThat(matcher.matches(sans(List.of("api.example.com"), List.of(), List.of()))).as("type matters").isFalse();
  }

  @Test
  void uriMatchersCoverEveryStringMatchKind() {
    SubjectAltNames web = sans(List.of("spiffe://cluster.local/ns/default/sa/web"), List.of(), List.of());
    assertThat(matcher(SanType.URI, new StringMatch.Exact("spiffe://cluster.local/ns/default/sa/web", false)).matches(web)).isTrue();
    assertThat(matcher(SanType.URI, new StringMatch.Exact("SPIFFE://cluster.local/ns/default/sa/web", false)).matches(web)).isFalse();
    assertThat(matcher(SanType.URI, new StringMatch.Exact("SPIFFE://CLUSTER.local/ns/default/sa/WEB", true)).matches(web)).isTrue();
    assertThat(matcher(SanType.URI, new StringMatch.Prefix("spiffe://cluster.local/ns/default/", false)).matches(web)).isTrue();
    assertThat(matcher(SanType.URI, new StringMatch.Prefix("SPIFFE://cluster.local/", true)).matches(web)).isTrue();
    assertThat(matcher(SanType.URI, new StringMatch.Suffix("/sa/web", false)).matches(web)).isTrue();
    assertThat(matcher(SanType.URI, new StringMatch.Suffix("/SA/WEB", true)).matches(web)).isTrue();
    assertThat(matcher(SanType.URI, new StringMatch.Contains("/ns/default/", false)).matches(web)).isTrue();
    assertThat(matcher(SanType.URI, new StringMatch.Contains("/NS/DEFAULT/", true)).matches(web)).isTrue();
    assertThat(matcher(SanType.URI, new StringMatch.Regex(SafeRegex.compile("spiffe://cluster\\.local/ns/[^/]+/sa/web")))
        .matches(web)).isTrue();
    assertThat(matcher(SanType.URI, new StringMatch.Regex(SafeRegex.compile("ns/default"))).matches(web))
        .as("regex matches the whole value").isFalse();
  }

  @Test
  void ipAndEmailSansMatchTheirSpelling() {
    SubjectAltNames sans = sans(List.of(), List.of(), List.of("10.0.0.7", "2001:db8::1"));
    assertThat(matcher(SanType.IP_ADDRESS, new StringMatch.Exact("2001:db8::1", false)).matches(sans)).isTrue();
    assertThat(matcher(SanType.IP_ADDRESS, new StringMatch.Exact("10.0.0.7", false)).matches(sans)).isTrue();
    assertThat(matcher(SanType.EMAIL, new StringMatch.Suffix("@example.com", false)).matches(sans)).isTrue();
  }

  @Test
  void ipv6IsWrittenAsRfc5952() {
    assertThat(SubjectAltNames.compressIpv6(bytes(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1))).isEqualTo("2001:db8::1");
    assertThat(SubjectAltNames.compressIpv6(bytes(0, 0, 0, 0, 0, 0, 0, 1))).isEqualTo("::1");
    assertThat(SubjectAltNames.compressIpv6(bytes(0x2001, 0xdb8, 0, 1, 0, 0, 0, 1))).isEqualTo("2001:db8:0:1::1");
    assertThat(SubjectAltNames.compressIpv6(bytes(0x2001, 0, 0, 1, 0, 0, 0, 0))).isEqualTo("2001:0:0:1::");
    assertThat(SubjectAltNames.compressIpv6(bytes(0x2001, 0xdb8, 1, 2, 3, 4, 5, 6))).isEqualTo("2001:db8:1:2:3:4:5:6");
  }

  private static SanMatcher matcher(SanType type, StringMatch match) {
    return SanMatcher.compile(new SubjectAltNameMatcher(type, match));
  }

  private static byte[] bytes(int... groups) {
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[2 * i] = (byte) (groups[i] >> 8);
      out[2 * i + 1] = (byte) groups[i];
    }
    return out;
  }
}
