package dev.sluice.routing;

import dev.sluice.routing.matcher.Ascii;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chooses the virtual host for an authority in Envoy's order ({@code RouteMatcher::findVirtualHost}):
 *
 * <ol>
 *   <li>exact domains, ignoring ASCII case;
 *   <li>suffix wildcards ({@code *.example.com}, {@code *-bar.example.com}), longest first;
 *   <li>prefix wildcards ({@code example.*}), longest first;
 *   <li>the {@code *} virtual host.
 * </ol>
 *
 * A wildcard never matches the empty string: {@code *.example.com} does not match
 * {@code .example.com}. With {@code ignore_port_in_host_matching} at its default (false), which is
 * what this table implements, the authority is matched whole, port included: domain
 * {@code example.com} does not match authority {@code example.com:80}, domain
 * {@code example.com:80} does, and {@code *.example.com} does not match {@code a.example.com:8080}.
 * When the route configuration has only a {@code *} virtual host it is chosen even for a request
 * without authority; otherwise a request without authority selects nothing. When several virtual
 * hosts list the same domain (a validated configuration has none), the first one keeps it.
 */
final class VirtualHostSelector {
  static final VirtualHostSelector EMPTY = build(List.of(), List.of());

  private final DomainTable exact;
  private final int[] suffixLengths;
  private final DomainTable[] suffixes;
  private final int[] prefixLengths;
  private final DomainTable[] prefixes;
  private final VirtualHost fallback;
  private final boolean onlyFallback;

  private VirtualHostSelector(
      DomainTable exact,
      int[] suffixLengths,
      DomainTable[] suffixes,
      int[] prefixLengths,
      DomainTable[] prefixes,
      VirtualHost fallback,
      boolean onlyFallback) {
    this.exact = exact;
    this.suffixLengths = suffixLengths;
    this.suffixes = suffixes;
    this.prefixLengths = prefixLengths;
    this.prefixes = prefixes;
    this.fallback = fallback;
    this.onlyFallback = onlyFallback;
  }

  /** {@code domains.get(i)} are the domains of {@code virtualHosts.get(i)}. */
  static VirtualHostSelector build(List<VirtualHost> virtualHosts, List<List<String>> domains) {
    Map<String, VirtualHost> exact = new LinkedHashMap<>();
    // Keyed by the length of the text beside the '*', longest first.
    TreeMap<Integer, Map<String, VirtualHost>> suffixes = new TreeMap<>((a, b) -> Integer.compare(b, a));
    TreeMap<Integer, Map<String, VirtualHost>> prefixes = new TreeMap<>((a, b) -> Integer.compare(b, a));
    VirtualHost fallback = null;
    for (int i = 0; i < virtualHosts.size(); i++) {
      VirtualHost virtualHost = virtualHosts.get(i);
      for (String domain : domains.get(i)) {
        String lower = Ascii.toLowerCase(domain);
        if (lower.equals("*")) {
          if (fallback == null) {
            fallback = virtualHost;
          }
        } else if (lower.startsWith("*")) {
          String suffix = lower.substring(1);
          suffixes.computeIfAbsent(suffix.length(), k -> new LinkedHashMap<>()).putIfAbsent(suffix, virtualHost);
        } else if (lower.endsWith("*")) {
          String prefix = lower.substring(0, lower.length() - 1);
          prefixes.computeIfAbsent(prefix.length(), k -> new LinkedHashMap<>()).putIfAbsent(prefix, virtualHost);
        } else {
          exact.putIfAbsent(lower, virtualHost);
        }
      }
    }
    return new VirtualHostSelector(
        new DomainTable(exact),
        lengths(suffixes),
        tables(suffixes),
        lengths(prefixes),
        tables(prefixes),
        fallback,
        exact.isEmpty() && suffixes.isEmpty() && prefixes.isEmpty());
  }

  private static int[] lengths(TreeMap<Integer, Map<String, VirtualHost>> byLength) {
    return byLength.keySet().stream().mapToInt(Integer::intValue).toArray();
  }

  private static DomainTable[] tables(TreeMap<Integer, Map<String, VirtualHost>> byLength) {
    List<DomainTable> tables = new ArrayList<>(byLength.size());
    for (Map<String, VirtualHost> entries : byLength.values()) {
      tables.add(new DomainTable(entries));
    }
    return tables.toArray(new DomainTable[0]);
  }

  /** The virtual host for {@code authority} (may be null), or null when none serves it. */
  VirtualHost select(String authority) {
    if (onlyFallback) {
      return fallback;
    }
    if (authority == null) {
      return null;
    }
    int length = authority.length();
    VirtualHost found = exact.get(authority, 0, length);
    if (found != null) {
      return found;
    }
    for (int i = 0; i < suffixLengths.length; i++) {
      int suffixLength = suffixLengths[i];
      // '>=' because the wildcard must stand for at least one character.
      if (suffixLength >= length) {
        continue;
      }
      found = suffixes[i].get(authority, length - suffixLength, length);
      if (found != null) {
        return found;
      }
    }
    for (int i = 0; i < prefixLengths.length; i++) {
      int prefixLength = prefixLengths[i];
      if (prefixLength >= length) {
        continue;
      }
      found = prefixes[i].get(authority, 0, prefixLength);
      if (found != null) {
        return found;
      }
    }
    return fallback;
  }
}
