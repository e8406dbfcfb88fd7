package dev.sluice.stats;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All counters and gauges of a process by name. Lookups happen when configuration is applied;
 * the request path holds direct references to its counters.
 */
public final class StatsRegistry {
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

  public Counter counter(String name) {
    return counters.computeIfAbsent(name, Counter::new);
  }

  public Gauge gauge(String name) {
    return gauges.computeIfAbsent(name, Gauge::new);
  }

  /** Counters sorted by name, as the admin interface prints them. */
  public SortedMap<String, Long> counterValues() {
    SortedMap<String, Long> out = new TreeMap<>();
    counters.forEach((name, c) -> out.put(name, c.value()));
    return out;
  }

  /** Gauges sorted by name. */
  public SortedMap<String, Long> gaugeValues() {
    SortedMap<String, Long> out = new TreeMap<>();
    gauges.forEach((name, g) -> out.put(name, g.value()));
    return out;
  }
}
