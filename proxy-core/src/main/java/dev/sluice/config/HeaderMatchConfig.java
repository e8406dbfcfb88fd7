package dev.sluice.config;

import java.util.Objects;

/**
 * Envoy's {@code HeaderMatcher}. Exactly one of {@code valueMatch} or a presence test applies:
 * with {@code valueMatch == null} the header must be present when {@code present} is true and
 * absent when it is false. {@code invertMatch} negates the outcome. Pseudo-headers such as
 * {@code :method}, {@code :authority} and {@code :path} are matched by name.
 */
public record HeaderMatchConfig(
    String name, StringMatch valueMatch, boolean present, boolean invertMatch, boolean treatMissingAsEmpty) {
  public HeaderMatchConfig {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("header matcher name must not be empty");
    }
  }

  public static HeaderMatchConfig value(String name, StringMatch match) {
    return new HeaderMatchConfig(name, match, true, false, false);
  }

  public static HeaderMatchConfig present(String name, boolean present) {
    return new HeaderMatchConfig(name, null, present, false, false);
  }
}
