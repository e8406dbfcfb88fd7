package dev.sluice.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Map-backed {@link MutableHeaders} for tests; names compared case-insensitively. */
final class MapHeaders implements MutableHeaders {
  private final Map<String, List<String>> values = new LinkedHashMap<>();

  static MapHeaders of(String... namesAndValues) {
    MapHeaders headers = new MapHeaders();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  @Override
  public boolean contains(String name) {
    return values.containsKey(key(name));
  }

  @Override
  public void add(String name, String value) {
    values.computeIfAbsent(key(name), k -> new ArrayList<>()).add(value);
  }

  @Override
  public void set(String name, String value) {
    List<String> list = new ArrayList<>();
    list.add(value);
    values.put(key(name), list);
  }

  @Override
  public void remove(String name) {
    values.remove(key(name));
  }

  /** All values of {@code name} in order; empty when absent. */
  List<String> all(String name) {
    return values.getOrDefault(key(name), List.of());
  }

  Map<String, List<String>> asMap() {
    return values;
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
