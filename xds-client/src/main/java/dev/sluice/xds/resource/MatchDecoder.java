package dev.sluice.xds.resource;

import dev.sluice.config.HeaderMatchConfig;
import dev.sluice.config.QueryParamMatchConfig;
import dev.sluice.config.SafeRegex;
import dev.sluice.config.StringMatch;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.Set;

/** Decodes Envoy's string, regex, header and query parameter matchers. */
final class MatchDecoder {
  private static final Set<String> REGEX_FIELDS = Set.of("regex");
  private static final Set<String> STRING_MATCHER_FIELDS =
      Set.of("exact", "prefix", "suffix", "contains", "safe_regex", "ignore_case");
  private static final Set<String> HEADER_MATCHER_FIELDS = Set.of("name", "string_match", "present_match",
      "invert_match", "treat_missing_header_as_empty", "exact_match", "prefix_match", "suffix_match",
      "contains_match", "safe_regex_match");
  private static final Set<String> QUERY_MATCHER_FIELDS = Set.of("name", "string_match", "present_match");

  private MatchDecoder() {}

  /** A {@code RegexMatcher}, compiled with RE2 semantics; null when an error was recorded. */
  static SafeRegex regex(RegexMatcher matcher, String path, DecodeContext ctx) {
    FieldRules.check(matcher, path, ctx, REGEX_FIELDS);
    String regexPath = FieldPath.child(path, "regex");
    if (matcher.getRegex().isEmpty()) {
      ctx.error(regexPath, "regex must not be empty");
      return null;
    }
    try {
      return SafeRegex.compile(matcher.getRegex());
    } catch (IllegalArgumentException e) {
      ctx.error(regexPath, e.getMessage());
      return null;
    }
  }

  /** A {@code StringMatcher}; null when an error was recorded. */
  static StringMatch string(StringMatcher m, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(m, path, ctx, STRING_MATCHER_FIELDS);
    boolean ignoreCase = m.getIgnoreCase();
    StringMatch result = switch (m.getMatchPatternCase()) {
      case EXACT -> new StringMatch.Exact(m.getExact(), ignoreCase);
      case PREFIX -> nonEmpty(m.getPrefix(), FieldPath.child(path, "prefix"), ctx)
          ? new StringMatch.Prefix(m.getPrefix(), ignoreCase) : null;
      case SUFFIX -> nonEmpty(m.getSuffix(), FieldPath.child(path, "suffix"), ctx)
          ? new StringMatch.Suffix(m.getSuffix(), ignoreCase) : null;
      case CONTAINS -> nonEmpty(m.getContains(), FieldPath.child(path, "contains"), ctx)
          ? new StringMatch.Contains(m.getContains(), ignoreCase) : null;
      case SAFE_REGEX -> {
        if (ignoreCase) {
          // Envoy's StringMatcher documents ignore_case as having no effect on safe_regex.
          ctx.warn(FieldPath.child(path, "ignore_case"),
              "ignored: ignore_case has no effect on safe_regex (as in Envoy); use (?i) in the regex");
        }
        SafeRegex regex = regex(m.getSafeRegex(), FieldPath.child(path, "safe_regex"), ctx);
        yield regex == null ? null : new StringMatch.Regex(regex);
      }
      case CUSTOM -> null; // reported by the field check
      case MATCHPATTERN_NOT_SET -> {
        ctx.error(path, "one of exact, prefix, suffix, contains or safe_regex is required");
        yield null;
      }
    };
    return ctx.errorCount() == before ? result : null;
  }

  /** A route's {@code HeaderMatcher}, including Envoy's deprecated direct forms. */
  @SuppressWarnings("deprecation") // deprecated in the v3 API, but Envoy still accepts it and files use it
  static HeaderMatchConfig header(HeaderMatcher h, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(h, path, ctx, HEADER_MATCHER_FIELDS);
    if (h.getName().isEmpty()) {
      ctx.error(FieldPath.child(path, "name"), "a header matcher needs a name");
    }
    StringMatch value = null;
    boolean present = true;
    switch (h.getHeaderMatchSpecifierCase()) {
      case STRING_MATCH -> value = string(h.getStringMatch(), FieldPath.child(path, "string_match"), ctx);
      case EXACT_MATCH -> value = new StringMatch.Exact(h.getExactMatch(), false);
      case PREFIX_MATCH -> value = nonEmpty(h.getPrefixMatch(), FieldPath.child(path, "prefix_match"), ctx)
          ? new StringMatch.Prefix(h.getPrefixMatch(), false) : null;
      case SUFFIX_MATCH -> value = nonEmpty(h.getSuffixMatch(), FieldPath.child(path, "suffix_match"), ctx)
          ? new StringMatch.Suffix(h.getSuffixMatch(), false) : null;
      case CONTAINS_MATCH -> value = nonEmpty(h.getContainsMatch(), FieldPath.child(path, "contains_match"), ctx)
          ? new StringMatch.Contains(h.getContainsMatch(), false) : null;
      case SAFE_REGEX_MATCH -> {
        SafeRegex regex = regex(h.getSafeRegexMatch(), FieldPath.child(path, "safe_regex_match"), ctx);
        value = regex == null ? null : new StringMatch.Regex(regex);
      }
      case PRESENT_MATCH -> present = h.getPresentMatch();
      // Envoy's HeaderUtility treats a matcher without a specifier as "the header is present".
      case HEADERMATCHSPECIFIER_NOT_SET -> present = true;
      case RANGE_MATCH -> { } // reported by the field check
    }
    if (ctx.errorCount() != before) {
      return null;
    }
    try {
      return new HeaderMatchConfig(h.getName(), value, present, h.getInvertMatch(), h.getTreatMissingHeaderAsEmpty());
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return null;
    }
  }

  /**
   * A {@code QueryParameterMatcher}. Without a string_match the parameter only has to be present,
   * which is what Envoy does for {@code present_match: true} and for an empty specifier.
   */
  static QueryParamMatchConfig query(QueryParameterMatcher q, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(q, path, ctx, QUERY_MATCHER_FIELDS);
    if (q.getName().isEmpty()) {
      ctx.error(FieldPath.child(path, "name"), "a query parameter matcher needs a name");
    }
    if (q.hasPresentMatch() && !q.getPresentMatch()) {
      // Current Envoy reads present_match: false as "the parameter must be absent"; the model's
      // QueryParamMatchConfig can only require presence.
      ctx.error(FieldPath.child(path, "present_match"),
          "present_match: false (parameter must be absent) is not supported by Sluice");
    }
    StringMatch value = q.hasStringMatch()
        ? string(q.getStringMatch(), FieldPath.child(path, "string_match"), ctx)
        : null;
    if (ctx.errorCount() != before) {
      return null;
    }
    return new QueryParamMatchConfig(q.getName(), value);
  }

  // Envoy's validation rules require prefix, suffix and contains patterns to be non-empty.
  private static boolean nonEmpty(String value, String path, DecodeContext ctx) {
    if (value.isEmpty()) {
      ctx.error(path, "must not be empty");
      return false;
    }
    return true;
  }
}
