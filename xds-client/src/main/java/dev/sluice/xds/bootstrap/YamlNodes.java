package dev.sluice.xds.bootstrap;

import java.math.BigDecimal;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Questions about SnakeYAML nodes, and how to name them in error messages. */
final class YamlNodes {
  private YamlNodes() {}

  /** A plain {@code null}, {@code ~} or empty scalar; a quoted "null" is a string. */
  static boolean isNull(Node node) {
    return node instanceof ScalarNode s && isPlain(s) && Tag.NULL.equals(s.getTag());
  }

  static boolean isPlain(ScalarNode s) {
    return s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
  }

  static boolean isJsonNumber(String text) {
    try {
      new BigDecimal(text);
      return !text.startsWith("+") && !text.startsWith(".") && !text.contains("_");
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static String scalarText(Node node) {
    return node instanceof ScalarNode s ? s.getValue() : String.valueOf(node);
  }

  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a map";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (isNull(node)) {
      return "null";
    }
    return "'" + shorten(((ScalarNode) node).getValue()) + "'";
  }

  static String shorten(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "...";
  }
}
