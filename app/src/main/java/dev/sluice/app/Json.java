package dev.sluice.app;

import java.util.Collection;

/** The little JSON writing the admin interface needs: quoting strings and plain values. */
final class Json {
  private Json() {}

  static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  static String value(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    if (v instanceof Collection<?> c) {
      StringBuilder b = new StringBuilder("[");
      boolean first = true;
      for (Object o : c) {
        b.append(first ? "" : ",").append(value(o));
        first = false;
      }
      return b.append(']').toString();
    }
    return quote(v.toString());
  }
}
