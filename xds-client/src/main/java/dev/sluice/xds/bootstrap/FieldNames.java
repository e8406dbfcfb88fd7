package dev.sluice.xds.bootstrap;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.HashMap;
import java.util.Map;

/**
 * Field lookup by either spelling JsonFormat accepts (proto name or lowerCamel JSON name), and
 * spelling suggestions for unknown keys.
 */
final class FieldNames {
  private final Map<Descriptor, Map<String, FieldDescriptor>> byType = new HashMap<>();

  Map<String, FieldDescriptor> of(Descriptor type) {
    return byType.computeIfAbsent(type, t -> {
      Map<String, FieldDescriptor> m = new HashMap<>();
      for (FieldDescriptor f : t.getFields()) {
        m.put(f.getName(), f);
        m.put(f.getJsonName(), f);
      }
      return m;
    });
  }

  /** " (did you mean 'x'?)" when a field name is within two edits of {@code key}, else "". */
  static String suggestion(String key, Descriptor type) {
    String best = null;
    int bestDistance = 3;
    for (FieldDescriptor f : type.getFields()) {
      int d = Math.min(distance(key, f.getName()), distance(key, f.getJsonName()));
      if (d < bestDistance) {
        bestDistance = d;
        best = f.getName();
      }
    }
    return best == null || bestDistance >= key.length() ? "" : " (did you mean '" + best + "'?)";
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
