package dev.sluice.app;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Renders stats as Envoy's {@code /stats/prometheus} does: the {@code envoy_} prefix, names with
 * dots turned into underscores, the variable parts of a name moved into labels by Envoy's default
 * tag extractors, every sample written with braces (empty when untagged), and counters keeping
 * their own names (no added {@code _total}).
 *
 * <p>As in Envoy's {@code TagProducerImpl}, every extractor runs on the original name, the
 * prefix-free ones first, then those for the name's first token in definition order; each
 * extractor's first group is cut from the name and its second group (else the first) is the
 * label value. So
 * {@code cluster.backend.upstream_rq_2xx} becomes
 * {@code envoy_cluster_upstream_rq_xx{envoy_response_code_class="2",envoy_cluster_name="backend"}},
 * the form Envoy's own admin integration test expects.
 */
final class PrometheusFormat {
  /** A default tag extractor of Envoy's {@code well_known_names.cc}: the first token it applies to, or null for any. */
  private record TagRule(String label, String firstToken, Pattern pattern) {}

  // Envoy's regexes, restricted to the stat families Sluice emits; RE2 has no lookahead, and the
  // listener form of the connection-manager rule needs none once the first token is known.
  private static final List<TagRule> RULES = List.of(
      new TagRule("envoy_response_code", null, Pattern.compile("_rq(_(\\d{3}))$")),
      new TagRule("envoy_response_code_class", null, Pattern.compile("_rq_(\\d)xx$")),
      new TagRule("envoy_cluster_name", "cluster", Pattern.compile("^cluster\\.(([^.]+)\\.)")),
      new TagRule("envoy_http_conn_manager_prefix", "listener", Pattern.compile("^listener\\..*?\\.http\\.((.*?)\\.)")),
      new TagRule("envoy_http_conn_manager_prefix", "http", Pattern.compile("^http\\.((.*?)\\.)")),
      new TagRule("envoy_listener_address", "listener",
          Pattern.compile("^listener\\.(((?:[_.0-9]*|[_\\[\\]aAbBcCdDeEfF0-9:]*))\\.)")),
      new TagRule("envoy_worker_id", "listener_manager", Pattern.compile("^listener_manager\\.((worker_\\d+)\\.)")));

  private PrometheusFormat() {}

  static String render(SortedMap<String, Long> counters, SortedMap<String, Long> gauges) {
    StringBuilder out = new StringBuilder(8192);
    append(out, counters, "counter");
    append(out, gauges, "gauge");
    return out.toString();
  }

  private static void append(StringBuilder out, SortedMap<String, Long> stats, String type) {
    // Families sorted by name; samples within a family in the order of their full stat names.
    SortedMap<String, List<String>> families = new TreeMap<>();
    for (Map.Entry<String, Long> e : stats.entrySet()) {
      String name = e.getKey();
      String firstToken = name.indexOf('.') < 0 ? name : name.substring(0, name.indexOf('.'));
      boolean[] removed = new boolean[name.length()];
      StringBuilder labels = new StringBuilder();
      for (TagRule rule : RULES) {
        if (rule.firstToken() != null && !rule.firstToken().equals(firstToken)) {
          continue;
        }
        Matcher m = rule.pattern().matcher(name);
        if (!m.find()) {
          continue;
        }
        for (int i = m.start(1); i < m.end(1); i++) {
          removed[i] = true;
        }
        labels.append(labels.length() == 0 ? "" : ",").append(rule.label()).append("=\"")
            .append(escape(m.group(m.groupCount() >= 2 ? 2 : 1))).append('"');
      }
      StringBuilder extracted = new StringBuilder(name.length());
      for (int i = 0; i < name.length(); i++) {
        if (!removed[i]) {
          extracted.append(name.charAt(i));
        }
      }
      String metric = "envoy_" + sanitize(extracted.toString());
      families.computeIfAbsent(metric, k -> new ArrayList<>())
          .add(metric + "{" + labels + "} " + e.getValue());
    }
    for (Map.Entry<String, List<String>> family : families.entrySet()) {
      out.append("# TYPE ").append(family.getKey()).append(' ').append(type).append('\n');
      for (String line : family.getValue()) {
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
