package dev.sluice.routing.matcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.HeaderMatchConfig;
import dev.sluice.config.SafeRegex;
import dev.sluice.config.StringMatch;
import org.junit.jupiter.api.Test;

class HeaderMatcherTest {

  private static HeaderMatcher value(StringMatch match, boolean invert, boolean missingAsEmpty) {
    return new HeaderMatcher(new HeaderMatchConfig("x-test", match, true, invert, missingAsEmpty));
  }

  private static HeaderMatcher presence(boolean present, boolean invert) {
    return new HeaderMatcher(new HeaderMatchConfig("x-test", null, present, invert, false));
  }

  @Test
  void nameIsLowerCased() {
    assertThat(new HeaderMatcher(HeaderMatchConfig.present("X-Test", true)).name()).isEqualTo("x-test");
  }

  @Test
  void valueMatch() {
    HeaderMatcher matcher = value(new StringMatch.Exact("a", false), false, false);
    assertThat(matcher.matches("a")).isTrue();
    assertThat(matcher.matches("b")).isFalse();
    assertThat(matcher.matches(null)).isFalse();
  }

  @Test
  void joinedValuesAreMatchedAsOneString() {
    HeaderMatcher matcher = value(new StringMatch.Exact("a,b", false), false, false);
    assertThat(matcher.matches("a,b")).isTrue();
    assertThat(matcher.matches("a")).isFalse();
  }

  @Test
  void invertedValueMatch() {
    HeaderMatcher matcher = value(new StringMatch.Exact("a", false), true, false);
    assertThat(matcher.matches("a")).isFalse();
    assertThat(matcher.matches("b")).isTrue();
  }

  @Test
  void invertedValueMatchDoesNotMatchAbsentHeader() {
    HeaderMatcher matcher = value(new StringMatch.Exact("a", false), true, false);
    assertThat(matcher.matches(null)).isFalse();
  }

  @Test
  void presentMatch() {
    assertThat(presence(true, false).matches("anything")).isTrue();
    assertThat(presence(true, false).matches("")).isTrue();
    assertThat(presence(true, false).matches(null)).isFalse();
  }

  @Test
  void absentMatch() {
    assertThat(presence(false, false).matches(null)).isTrue();
    assertThat(presence(false, false).matches("v")).isFalse();
  }

  @Test
  void invertedPresenceMatches() {
    assertThat(presence(true, true).matches(null)).isTrue();
    assertThat(presence(true, true).matches("v")).isFalse();
    assertThat(presence(false, true).matches(null)).isFalse();
    assertThat(presence(false, true).matches("v")).isTrue();
  }

  @Test
  void treatMissingAsEmptyEvaluatesEmptyValue() {
    HeaderMatcher emptyExact = value(new StringMatch.Exact("", false), false, true);
    assertThat(emptyExact.matches(null)).isTrue();
    HeaderMatcher prefix = value(new StringMatch.Prefix("a", false), false, true);
    assertThat(prefix.matches(null)).isFalse();
    // Envoy's example: a regex that fails on "" matches once inverted.
    HeaderMatcher invertedRegex = value(new StringMatch.Regex(SafeRegex.compile("[0-9]+")), true, true);
    assertThat(invertedRegex.matches(null)).isTrue();
    assertThat(invertedRegex.matches("12")).isFalse();
  }

  @Test
  void everyValueMatchKind() {
    assertThat(value(new StringMatch.Prefix("ab", false), false, false).matches("abc")).isTrue();
    assertThat(value(new StringMatch.Suffix("bc", false), false, false).matches("abc")).isTrue();
    assertThat(value(new StringMatch.Contains("b", false), false, false).matches("abc")).isTrue();
    assertThat(value(new StringMatch.Regex(SafeRegex.compile("a.c")), false, false).matches("abc")).isTrue();
    assertThat(value(new StringMatch.Exact("ABC", true), false, false).matches("abc")).isTrue();
    assertThat(value(new StringMatch.Prefix("x", false), false, false).matches("abc")).isFalse();
  }
}
