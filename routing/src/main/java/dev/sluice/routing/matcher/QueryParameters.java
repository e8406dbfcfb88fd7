package dev.sluice.routing.matcher;

import java.util.ArrayList;
import java.util.List;

/**
 * The query string of a request target, split once per lookup and only for routes that test query
 * parameters. Like Envoy's {@code QueryParamsMulti::parseQueryString} it does not percent-decode:
 * names and values are compared as received; a parameter without {@code =} has the value "".
 */
public final class QueryParameters {
  private static final QueryParameters NONE = new QueryParameters(List.of());

  private final List<String> namesAndValues;

  private QueryParameters(List<String> namesAndValues) {
    this.namesAndValues = namesAndValues;
  }

  /** Parses what follows the first {@code ?} of {@code target}; no query means no parameters. */
  public static QueryParameters parse(String target) {
    int start = target.indexOf('?');
    if (start < 0) {
      return NONE;
    }
    // A fragment is not part of the query (RFC 3986 section 3.4).
    int end = target.indexOf('#', start);
    if (end < 0) {
      end = target.length();
    }
    List<String> parsed = new ArrayList<>();
    int from = start + 1;
    while (from < end) {
      int ampersand = target.indexOf('&', from);
      int to = ampersand < 0 || ampersand > end ? end : ampersand;
      int equals = target.indexOf('=', from);
      if (equals >= 0 && equals < to) {
        parsed.add(target.substring(from, equals));
        parsed.add(target.substring(equals + 1, to));
      } else {
        parsed.add(target.substring(from, to));
        parsed.add("");
      }
      from = to + 1;
    }
    return new QueryParameters(parsed);
  }

  /** The value of the first parameter named {@code name} (Envoy's {@code getFirstValue}), or null. */
  public String first(String name) {
    for (int i = 0; i < namesAndValues.size(); i += 2) {
      if (namesAndValues.get(i).equals(name)) {
        return namesAndValues.get(i + 1);
      }
    }
    return null;
  }
}
