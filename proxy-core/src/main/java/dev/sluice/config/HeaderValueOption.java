package dev.sluice.config;

import java.util.Objects;

/** A header to add, with Envoy's append semantics; empty values are skipped unless kept. */
public record HeaderValueOption(String key, String value, AppendAction appendAction, boolean keepEmptyValue) {
  public HeaderValueOption {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(appendAction, "appendAction");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("header key must not be empty");
    }
  }

  public static HeaderValueOption append(String key, String value) {
    return new HeaderValueOption(key, value, AppendAction.APPEND_IF_EXISTS_OR_ADD, false);
  }

  public static HeaderValueOption overwrite(String key, String value) {
    return new HeaderValueOption(key, value, AppendAction.OVERWRITE_IF_EXISTS_OR_ADD, false);
  }
}
