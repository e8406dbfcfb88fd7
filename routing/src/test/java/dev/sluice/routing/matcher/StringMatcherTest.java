package dev.sluice.routing.matcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.SafeRegex;
import dev.sluice.config.StringMatch;
import org.junit.jupiter.api.Test;

class StringMatcherTest {

  private static StringMatcher of(StringMatch match) {
    return StringMatcher.of(match);
  }

  @Test
  void exactComparesWholeValue() {
    StringMatcher matcher = of(new StringMatch.Exact("Value", false));
    assertThat(matcher).isInstanceOf(ExactStringMatcher.class);
    assertThat(matcher.matches("Value")).isTrue();
    assertThat(matcher.matches("value")).isFalse();
    assertThat(matcher.matches("Value2")).isFalse();
    assertThat(matcher.matches("")).isFalse();
  }

  @Test
  void exactIgnoringCaseFoldsAsciiOnly() {
    StringMatcher matcher = of(new StringMatch.Exact("Value", true));
    assertThat(matcher.matches("vALUE")).isTrue();
    assertThat(matcher.matches("valu")).isFalse();
    // absl::EqualsIgnoreCase folds ASCII only: the Kelvin sign is not a 'k'.
    assertThat(of(new StringMatch.Exact("k", true)).matches("\u212A")).isFalse();
  }

  @Test
  void emptyExactMatchesOnlyEmpty() {
    StringMatcher matcher = of(new StringMatch.Exact("", false));
    assertThat(matcher.matches("")).isTrue();
    assertThat(matcher.matches("x")).isFalse();
  }

  @Test
  void prefix() {
    assertThat(of(new StringMatch.Prefix("ab", false)).matches("abc")).isTrue();
    assertThat(of(new StringMatch.Prefix("ab", false)).matches("Abc")).isFalse();
    assertThat(of(new StringMatch.Prefix("ab", true)).matches("ABc")).isTrue();
    assertThat(of(new StringMatch.Prefix("ab", true)).matches("a")).isFalse();
  }

  @Test
  void suffix() {
    assertThat(of(new StringMatch.Suffix("yz", false)).matches("xyz")).isTrue();
    assertThat(of(new StringMatch.Suffix("yz", false)).matches("xyZ")).isFalse();
    assertThat(of(new StringMatch.Suffix("yz", true)).matches("XYZ")).isTrue();
    assertThat(of(new StringMatch.Suffix("xyz", true)).matches("yz")).isFalse();
  }

  @Test
  void contains() {
    assertThat(of(new StringMatch.Contains("mid", false)).matches("amidst")).isTrue();
    assertThat(of(new StringMatch.Contains("mid", false)).matches("aMIDst")).isFalse();
    assertThat(of(new StringMatch.Contains("MiD", true)).matches("aMIDst")).isTrue();
    assertThat(of(new StringMatch.Contains("mid", true)).matches("mi")).isFalse();
  }

  @Test
  void regexMustMatchWholeValue() {
    StringMatcher matcher = of(new StringMatch.Regex(SafeRegex.compile("[0-9]{3}")));
    assertThat(matcher.matches("123")).isTrue();
    assertThat(matcher.matches("1234")).isFalse();
    assertThat(matcher.matches("a123")).isFalse();
  }

  @Test
  void regexCompiledIgnoringCase() {
    StringMatcher matcher = of(new StringMatch.Regex(SafeRegex.compileIgnoreCase("abc")));
    assertThat(matcher.matches("ABC")).isTrue();
  }
}
