package dev.sluice.xds.bootstrap;

/**
 * JSON text helpers: quoting strings, and making JSON input readable by SnakeYAML.
 *
 * <p>On the second: JSON is meant to be a subset of YAML, but SnakeYAML
 * rejects two things valid JSON contains: tabs between tokens and the {@code \/} escape. Both
 * rewrites are lossless — JSON forbids raw tabs inside strings, and {@code \/} means {@code /} —
 * and keep line numbers, so error positions stay right (a column after a {@code \/} on the same
 * line is off by one).
 */
final class JsonText {
  private JsonText() {}

  /** True when the first significant character opens a JSON object. */
  static boolean looksLikeJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\uFEFF' || Character.isWhitespace(c)) {
        continue;
      }
      return c == '{';
    }
    return false;
  }

  static String forYaml(String json) {
    StringBuilder out = new StringBuilder(json.length());
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        if (c == '\\' && i + 1 < json.length()) {
          char next = json.charAt(++i);
          if (next == '/') {
            out.append('/');
          } else {
            out.append(c).append(next);
          }
          continue;
        }
        if (c == '"') {
          inString = false;
        }
        out.append(c);
      } else {
        if (c == '"') {
          inString = true;
        }
        out.append(c == '\t' ? ' ' : c);
      }
    }
    return out.toString();
  }

  /** Appends {@code s} as a JSON string literal. */
  static void appendQuoted(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
