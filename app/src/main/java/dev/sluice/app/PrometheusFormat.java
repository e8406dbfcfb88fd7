package dev.sluice.app;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Renders stats as Envoy's {@code /stats/prometheus} does: the {@code envoy_} prefix, names with
 * dots turned into underscores, the variable part of a name moved into a label by Envoy's default
 * tag extractors ({@code envoy_cluster_name}, {@code envoy_http_conn_manager_prefix},
 * {@code envoy_listener_address}), and counters keeping their own names (no added {@code _total}).
 */
final class PrometheusFormat {
  /** A default tag extractor: the regex's first group is removed from the name, the second is the value. */
  private record TagRule(String label, String prefix, Pattern pattern) {}

  private static final List<TagRule> RULES = List.of(
      new TagRule("envoy_cluster_name", "cluster.", Pattern.compile("^cluster\\.((.+?)\\.)")),
      new TagRule("envoy_http_conn_manager_prefix", "http.", Pattern.compile("^http\\.((.*?)\\.)")),
      new TagRule("envoy_listener_address", "listener.",
          Pattern.compile("^listener\\.(((?:[_.0-9]*|[_\\[\\]aAbBcCdDeEfF0-9:]*))\\.)")));

  private PrometheusFormat() {}

  static String render(SortedMap<String, Long> counters, SortedMap<String, Long> gauges) {
    StringBuilder out = new StringBuilder(8192);
    append(out, counters, "counter");
    append(out, gauges, "gauge");
    return out.toString();
  }

  private static void append(StringBuilder out, SortedMap<String, Long> stats, String type) {
    Map<String, List<String>> families = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : stats.entrySet()) {
      String name = e.getKey();
      String labels = "";
      for (TagRule rule : RULES) {
        if (!name.startsWith(rule.prefix())) {
          continue;
        }
        Matcher m = rule.pattern().matcher(name);
        if (m.find()) {
          labels = "{" + rule.label() + "=\"" + escape(m.group(2)) + "\"}";
          name = name.substring(0, m.start(1)) + name.substring(m.end(1));
        }
        break;
      }
      String metric = "envoy_" + sanitize(name);
      families.computeIfAbsent(metric, k -> new ArrayList<>()).add(metric + labels + " " + e.getValue());
    }
    List<String> names = new ArrayList<>(families.keySet());
    java.util.Collections.sort(names);
    for (String metric : names) {
      out.append("# TYPE ").append(metric).append(' ').append(type).append('\n');
      for (String line : families.get(metric)) {
        out.append(line).append('\n');
      }
    }
  }

  private static String sanitize(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
    }
    return b.toString();
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
