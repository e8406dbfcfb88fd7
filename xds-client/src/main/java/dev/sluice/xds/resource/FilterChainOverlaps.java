package dev.sluice.xds.resource;

import dev.sluice.config.CidrRange;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.FilterChainMatchConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Envoy's "multiple filter chains with the same matching rules are defined". Envoy files each chain
 * under every value of every match field (an empty field is its own "any" key) and refuses a
 * listener when two chains land under the same combination: two chains overlap when, field by
 * field, their value sets share a value or are both empty. A connection matching both could not be
 * given to either.
 */
final class FilterChainOverlaps {
  private FilterChainOverlaps() {}

  /** Scalar fields: chains that differ in one of them never overlap. */
  private record Group(int destinationPort, String transportProtocol, FilterChainMatchConfig.SourceType sourceType) {}

  /** Reports every overlapping pair of {@code chains} (decoded from {@code paths}) at {@code path}. */
  static void check(String listener, List<FilterChainConfig> chains, List<String> paths, String path,
      DecodeContext ctx) {
    // Chains sharing a server-name key ("" for none) and the scalar fields are the only candidates;
    // this keeps a listener of a thousand SNI chains from a million comparisons.
    Map<Group, Map<String, List<Integer>>> buckets = new LinkedHashMap<>();
    for (int i = 0; i < chains.size(); i++) {
      FilterChainMatchConfig m = chains.get(i).match();
      Map<String, List<Integer>> byName = buckets.computeIfAbsent(
          new Group(m.destinationPort(), m.transportProtocol(), m.sourceType()), g -> new LinkedHashMap<>());
      for (String name : m.serverNames().isEmpty() ? List.of("") : new HashSet<>(m.serverNames())) {
        byName.computeIfAbsent(name, n -> new ArrayList<>()).add(i);
      }
    }
    Set<Long> reported = new HashSet<>();
    for (Map<String, List<Integer>> byName : buckets.values()) {
      for (List<Integer> candidates : byName.values()) {
        for (int a = 0; a < candidates.size(); a++) {
          for (int b = a + 1; b < candidates.size(); b++) {
            int i = candidates.get(a);
            int j = candidates.get(b);
            if (overlap(chains.get(i).match(), chains.get(j).match()) && reported.add(((long) i << 32) | j)) {
              ctx.error(path, "multiple filter chains with the same matching rules are defined in listener '"
                  + listener + "': " + describe(chains.get(i), paths.get(i)) + " and "
                  + describe(chains.get(j), paths.get(j)));
            }
          }
        }
      }
    }
  }

  private static String describe(FilterChainConfig chain, String path) {
    String index = path.substring(path.lastIndexOf('['));
    String place = "filter_chains" + index;
    return chain.name().isEmpty() || chain.name().equals(place) ? place : "'" + chain.name() + "' (" + place + ")";
  }

  private static boolean overlap(FilterChainMatchConfig a, FilterChainMatchConfig b) {
    return share(cidrKeys(a.prefixRanges()), cidrKeys(b.prefixRanges()))
        && share(Set.copyOf(a.applicationProtocols()), Set.copyOf(b.applicationProtocols()))
        && share(cidrKeys(a.sourcePrefixRanges()), cidrKeys(b.sourcePrefixRanges()))
        && share(Set.copyOf(a.sourcePorts()), Set.copyOf(b.sourcePorts()));
  }

  private static <T> boolean share(Set<T> a, Set<T> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty() && b.isEmpty();
    }
    for (T value : a) {
      if (b.contains(value)) {
        return true;
      }
    }
    return false;
  }

  /** Ranges as Envoy keys them: host bits beyond the prefix length do not count. */
  private static Set<String> cidrKeys(List<CidrRange> ranges) {
    Set<String> keys = new HashSet<>();
    for (CidrRange r : ranges) {
      byte[] bytes = r.addressBytes();
      for (int bit = r.prefixLen(); bit < bytes.length * 8; bit++) {
        bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
      }
      keys.add(Arrays.toString(bytes) + "/" + r.prefixLen());
    }
    return keys;
  }
}
