package dev.sluice.routing.action;

import com.google.re2j.Matcher;
import dev.sluice.config.SafeRegex;
import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's {@code regex_rewrite}: every match of the pattern in the path (query excluded) is
 * replaced by the substitution, as RE2's {@code GlobalReplace} does. The substitution uses RE2's
 * rewrite syntax: {@code \0}..{@code \9} insert a capture group, {@code \\} a backslash; any other
 * character, {@code $} included, is literal. It is parsed once here instead of being translated to
 * a re2j replacement string, because re2j reads {@code $10} as group 10 where RE2 reads group 1
 * then "0", and re2j allows an empty match right after a previous match where RE2 does not.
 */
public final class RegexPathRewriter implements PathRewriter {
  private final SafeRegex pattern;
  /** Literal text (String) and capture-group references (Integer), in order. */
  private final Object[] substitution;

  public RegexPathRewriter(SafeRegex pattern, String substitution) {
    this.pattern = pattern;
    this.substitution = parse(substitution);
  }

  @Override
  public String rewrite(String target, int pathEnd, int matchedLength) {
    String path = target.substring(0, pathEnd);
    return replaceAll(path).concat(target.substring(pathEnd));
  }

  /** RE2 {@code GlobalReplace} over {@code input}. */
  String replaceAll(String input) {
    Matcher matcher = pattern.pattern().matcher(input);
    StringBuilder out = null;
    int appendFrom = 0;
    int lastMatchEnd = -1;
    int searchFrom = 0;
    while (searchFrom <= input.length() && matcher.find(searchFrom)) {
      int start = matcher.start();
      int end = matcher.end();
      if (start == end && start == lastMatchEnd) {
        // RE2 disallows an empty match where the previous match ended: step over one character.
        if (start >= input.length()) {
          break;
        }
        searchFrom = start + Character.charCount(input.codePointAt(start));
        continue;
      }
      if (out == null) {
        out = new StringBuilder(input.length() + 16);
      }
      out.append(input, appendFrom, start);
      appendSubstitution(out, matcher);
      appendFrom = end;
      lastMatchEnd = end;
      if (start == end) {
        if (end >= input.length()) {
          break;
        }
        searchFrom = end + Character.charCount(input.codePointAt(end));
      } else {
        searchFrom = end;
      }
    }
    if (out == null) {
      return input;
    }
    return out.append(input, appendFrom, input.length()).toString();
  }

  private void appendSubstitution(StringBuilder out, Matcher matcher) {
    for (Object part : substitution) {
      if (part instanceof Integer group) {
        String value = group <= matcher.groupCount() ? matcher.group(group) : null;
        if (value != null) {
          out.append(value);
        }
      } else {
        out.append((String) part);
      }
    }
  }

  private static Object[] parse(String rewrite) {
    List<Object> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < rewrite.length(); i++) {
      char c = rewrite.charAt(i);
      if (c == '\\' && i + 1 < rewrite.length()) {
        char next = rewrite.charAt(i + 1);
        if (next >= '0' && next <= '9') {
          if (literal.length() > 0) {
            parts.add(literal.toString());
            literal.setLength(0);
          }
          parts.add(next - '0');
          i++;
          continue;
        }
        if (next == '\\') {
          literal.append('\\');
          i++;
          continue;
        }
      }
      literal.append(c);
    }
    if (literal.length() > 0) {
      parts.add(literal.toString());
    }
    return parts.toArray();
  }
}
