package dev.sluice.routing;

import dev.sluice.routing.matcher.Ascii;
import java.util.Map;

/**
 * A map from lower-case domain text to virtual host, looked up by a region of the authority with
 * ASCII case folding, so neither a lower-cased copy nor a substring of the authority is made
 * (Envoy lower-cases the host and takes substrings for wildcard lookups; this finds the same
 * entries without allocating). Open addressing with linear probing; immutable once built.
 */
final class DomainTable {
  private final String[] keys;
  private final VirtualHost[] values;
  private final int mask;

  /** {@code entries} keys must already be lower case. */
  DomainTable(Map<String, VirtualHost> entries) {
    int capacity = Integer.highestOneBit(Math.max(2, entries.size() * 2 - 1)) << 1;
    this.keys = new String[capacity];
    this.values = new VirtualHost[capacity];
    this.mask = capacity - 1;
    for (Map.Entry<String, VirtualHost> entry : entries.entrySet()) {
      String key = entry.getKey();
      int slot = hash(key, 0, key.length()) & mask;
      while (keys[slot] != null) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = key;
      values[slot] = entry.getValue();
    }
  }

  /** The virtual host whose key equals {@code text[from, to)} ignoring ASCII case, or null. */
  VirtualHost get(String text, int from, int to) {
    int length = to - from;
    int slot = hash(text, from, to) & mask;
    String key;
    while ((key = keys[slot]) != null) {
      if (key.length() == length && Ascii.regionEqualsIgnoreCase(text, from, key, 0, length)) {
        return values[slot];
      }
      slot = (slot + 1) & mask;
    }
    return null;
  }

  private static int hash(String text, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + Ascii.toLowerCase(text.charAt(i));
    }
    return h ^ (h >>> 16);
  }
}
