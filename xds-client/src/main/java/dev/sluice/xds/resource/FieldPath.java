package dev.sluice.xds.resource;

/**
 * Builds the dotted field paths used in error messages ({@code static_resources.listeners[0].name}),
 * with proto field names so that a path can be looked up in Envoy's API reference.
 */
public final class FieldPath {
  private FieldPath() {}

  /** {@code parent.field}, or just {@code field} at the root. */
  public static String child(String parent, String field) {
    return parent.isEmpty() ? field : parent + "." + field;
  }

  /** {@code parent[index]}. */
  public static String element(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** {@code parent.field[index]}. */
  public static String element(String parent, String field, int index) {
    return element(child(parent, field), index);
  }
}
