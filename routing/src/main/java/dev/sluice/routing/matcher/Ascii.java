package dev.sluice.routing.matcher;

/**
 * ASCII-only case folding. Envoy's {@code ignore_case} and host matching fold ASCII letters only
 * (absl {@code EqualsIgnoreCase}, {@code AsciiStrToLower}); these helpers do the same without
 * allocating a lower-cased copy.
 */
public final class Ascii {
  private Ascii() {}

  public static char toLowerCase(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  /** Lower-cases ASCII letters; returns {@code s} itself when it has none. */
  public static String toLowerCase(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] chars = s.toCharArray();
        for (int j = i; j < chars.length; j++) {
          chars[j] = toLowerCase(chars[j]);
        }
        return new String(chars);
      }
    }
    return s;
  }

  /** True when {@code a[aFrom, aFrom+length)} equals {@code b[bFrom, bFrom+length)} ignoring ASCII case. */
  public static boolean regionEqualsIgnoreCase(String a, int aFrom, String b, int bFrom, int length) {
    if (aFrom < 0 || bFrom < 0 || aFrom + length > a.length() || bFrom + length > b.length()) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char x = a.charAt(aFrom + i);
      char y = b.charAt(bFrom + i);
      if (x != y && toLowerCase(x) != toLowerCase(y)) {
        return false;
      }
    }
    return true;
  }

  /** Index of {@code needle} in {@code haystack} ignoring ASCII case, or -1. */
  public static int indexOfIgnoreCase(String haystack, String needle) {
    int last = haystack.length() - needle.length();
    for (int i = 0; i <= last; i++) {
      if (regionEqualsIgnoreCase(haystack, i, needle, 0, needle.length())) {
        return i;
      }
    }
    return -1;
  }
}
