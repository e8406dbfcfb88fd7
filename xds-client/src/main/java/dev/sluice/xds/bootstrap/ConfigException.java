package dev.sluice.xds.bootstrap;

import java.util.List;

/**
 * A configuration that cannot be used. It carries every problem found, not only the first, so
 * that an operator can fix a file in one round; each reads
 * {@code <origin>: <field.path[0].sub>: <message naming the value>}.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> errors;

  public ConfigException(List<String> errors) {
    super(String.join("\n", errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  /** Every problem found, in the order met. */
  public List<String> errors() {
    return errors;
  }
}
