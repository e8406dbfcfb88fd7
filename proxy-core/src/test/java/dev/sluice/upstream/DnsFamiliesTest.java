package dev.sluice.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.ClusterConfig.DnsLookupFamily;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class DnsFamiliesTest {
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void autoPrefersIpv6AndFallsBackToIpv4() throws Exception {
    InetAddress v4 = ip("10.0.0.1");
    InetAddress v6 = ip("::1");
    assertThat(DnsFamilies.select(new InetAddress[] {v4, v6}, DnsLookupFamily.AUTO)).containsExactly(v6);
    assertThat(DnsFamilies.select(new InetAddress[] {v4}, DnsLookupFamily.AUTO)).containsExactly(v4);
  }

  @Test
  void v4PreferredIsTheMirrorOfAuto() throws Exception {
    InetAddress v4 = ip("10.0.0.1");
    InetAddress v6 = ip("::1");
    assertThat(DnsFamilies.select(new InetAddress[] {v6, v4}, DnsLookupFamily.V4_PREFERRED)).containsExactly(v4);
    assertThat(DnsFamilies.select(new InetAddress[] {v6}, DnsLookupFamily.V4_PREFERRED)).containsExactly(v6);
  }

  @Test
  void onlyFamiliesFilterAndAllKeepsBoth() throws Exception {
    InetAddress v4 = ip("10.0.0.1");
    InetAddress v6 = ip("::1");
    InetAddress[] both = {v6, v4};
    assertThat(DnsFamilies.select(both, DnsLookupFamily.V4_ONLY)).containsExactly(v4);
    assertThat(DnsFamilies.select(both, DnsLookupFamily.V6_ONLY)).containsExactly(v6);
    assertThat(DnsFamilies.select(both, DnsLookupFamily.ALL)).containsExactly(v4, v6);
  }
}
