package dev.sluice.routing.matcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.QueryParamMatchConfig;
import dev.sluice.config.StringMatch;
import org.junit.jupiter.api.Test;

class QueryParametersTest {

  @Test
  void parsesNamesAndValues() {
    QueryParameters parameters = QueryParameters.parse("/p?a=1&b=two&flag&empty=");
    assertThat(parameters.first("a")).isEqualTo("1");
    assertThat(parameters.first("b")).isEqualTo("two");
    assertThat(parameters.first("flag")).isEqualTo("");
    assertThat(parameters.first("empty")).isEqualTo("");
    assertThat(parameters.first("missing")).isNull();
  }

  @Test
  void noQueryMeansNoParameters() {
    assertThat(QueryParameters.parse("/p").first("a")).isNull();
    assertThat(QueryParameters.parse("/p?").first("")).isNull();
  }

  @Test
  void firstValueWins() {
    assertThat(QueryParameters.parse("/p?a=1&a=2").first("a")).isEqualTo("1");
  }

  @Test
  void valuesAreNotPercentDecoded() {
    QueryParameters parameters = QueryParameters.parse("/p?na%6De=a%20b&x=a+b");
    assertThat(parameters.first("na%6De")).isEqualTo("a%20b");
    assertThat(parameters.first("name")).isNull();
    assertThat(parameters.first("x")).isEqualTo("a+b");
  }

  @Test
  void valueKeepsLaterEqualsSigns() {
    assertThat(QueryParameters.parse("/p?a=b=c").first("a")).isEqualTo("b=c");
  }

  @Test
  void fragmentIsNotPartOfTheQuery() {
    assertThat(QueryParameters.parse("/p?a=1#frag").first("a")).isEqualTo("1");
  }

  @Test
  void presenceMatcher() {
    QueryParamMatcher matcher = new QueryParamMatcher(new QueryParamMatchConfig("debug", null));
    assertThat(matcher.matches(QueryParameters.parse("/?debug"))).isTrue();
    assertThat(matcher.matches(QueryParameters.parse("/?debug=0"))).isTrue();
    assertThat(matcher.matches(QueryParameters.parse("/?Debug"))).isFalse();
    assertThat(matcher.matches(QueryParameters.parse("/"))).isFalse();
  }

  @Test
  void valueMatcherTestsFirstValue() {
    QueryParamMatcher matcher =
        new QueryParamMatcher(new QueryParamMatchConfig("v", new StringMatch.Exact("2", false)));
    assertThat(matcher.matches(QueryParameters.parse("/?v=2"))).isTrue();
    assertThat(matcher.matches(QueryParameters.parse("/?v=1&v=2"))).isFalse();
    assertThat(matcher.matches(QueryParameters.parse("/?w=2"))).isFalse();
  }
}
