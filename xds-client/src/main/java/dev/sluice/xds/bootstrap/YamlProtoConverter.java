package dev.sluice.xds.bootstrap;

import static dev.sluice.xds.bootstrap.YamlNodes.describe;
import static dev.sluice.xds.bootstrap.YamlNodes.isJsonNumber;
import static dev.sluice.xds.bootstrap.YamlNodes.isNull;
import static dev.sluice.xds.bootstrap.YamlNodes.isPlain;
import static dev.sluice.xds.bootstrap.YamlNodes.scalarText;
import static dev.sluice.xds.bootstrap.YamlNodes.shorten;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.util.JsonFormat;
import com.google.re2j.Pattern;
import dev.sluice.xds.resource.FieldPath;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Walks a YAML node tree against a protobuf descriptor and writes the equivalent proto3 JSON.
 *
 * <p>Doing this before {@code JsonFormat} has two purposes. JsonFormat stops at the first problem
 * and names neither the path nor the line; this walk reports every unknown field, bad enum value,
 * wrong type and unknown {@code Any} type with its full field path and YAML position. And it
 * reads scalars by the type of the field they fill, so a string field keeps the text as written
 * ({@code version: 1.10} stays {@code "1.10"}, {@code value: on} stays {@code "on"}) instead of
 * going through YAML's guess at a number or boolean.
 *
 * <p>Field names are matched as JsonFormat matches them: the proto name or the JSON (lowerCamel)
 * name. Paths in messages use the proto name.
 */
final class YamlProtoConverter {

  /** The JSON text, meaningful only when {@code errors} is empty. */
  record Result(String json, List<String> errors) {}

  // Deep enough for any real bootstrap (a weighted cluster's header is about 25 levels down),
  // and a stop for alias cycles, which SnakeYAML's composer allows.
  private static final int MAX_DEPTH = 100;
  // Aliases let a short document name a huge tree (SnakeYAML caps the alias count, not the
  // expansion: 25 levels of [*a, *a] is 2^25 nodes). A real bootstrap with thousands of routes
  // stays far below this many values.
  private static final int MAX_NODES = 2_000_000;
  private static final Pattern DURATION = Pattern.compile("-?[0-9]+(\\.[0-9]{1,9})?s");
  private static final String ANY = "google.protobuf.Any";
  // The well-known types whose proto3 JSON form is not an object of their fields; inside an Any
  // they appear under "value".
  private static final java.util.Set<String> SPECIAL_JSON = java.util.Set.of(ANY, "google.protobuf.Struct",
      "google.protobuf.ListValue", "google.protobuf.Value", "google.protobuf.Duration", "google.protobuf.Timestamp",
      "google.protobuf.FieldMask", "google.protobuf.DoubleValue", "google.protobuf.FloatValue",
      "google.protobuf.Int64Value", "google.protobuf.UInt64Value", "google.protobuf.Int32Value",
      "google.protobuf.UInt32Value", "google.protobuf.BoolValue", "google.protobuf.StringValue",
      "google.protobuf.BytesValue");

  private final String origin;
  private final JsonFormat.TypeRegistry registry;
  private final List<String> errors = new ArrayList<>();
  private final StringBuilder out = new StringBuilder();
  private final FieldNames fieldNames = new FieldNames();
  private int depth;
  private int nodes;

  /** Unwinds the whole walk once the document is known to be too large. */
  private static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super(null, null, false, false);
    }
  }

  private YamlProtoConverter(String origin, JsonFormat.TypeRegistry registry) {
    this.origin = origin;
    this.registry = registry;
  }

  static Result convert(Node root, Descriptor type, String origin, JsonFormat.TypeRegistry registry) {
    YamlProtoConverter c = new YamlProtoConverter(origin, registry);
    try {
      c.message(root, type, "");
    } catch (TooLarge e) {
      c.error("", "the document expands to more than " + MAX_NODES + " values (through YAML aliases?)", root);
    }
    return new Result(c.out.toString(), List.copyOf(c.errors));
  }

  // ---- messages -------------------------------------------------------------------------------

  private void message(Node node, Descriptor type, String path) {
    if (!enter(node, path)) {
      out.append("{}");
      return;
    }
    try {
      switch (type.getFullName()) {
        case ANY -> any(node, path);
        case "google.protobuf.Struct" -> freeForm(node, path, Expect.MAP);
        case "google.protobuf.ListValue" -> freeForm(node, path, Expect.LIST);
        case "google.protobuf.Value" -> freeForm(node, path, Expect.ANYTHING);
        case "google.protobuf.Duration" -> duration(node, path);
        case "google.protobuf.Timestamp", "google.protobuf.FieldMask" -> stringLike(node, path, type.getName());
        case "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
            "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
            "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue" ->
            scalar(node, type.findFieldByName("value"), path);
        default -> {
          Map<String, NodeTuple> entries = entries(node, path);
          out.append('{');
          fields(entries, type, path, false);
          out.append('}');
        }
      }
    } finally {
      depth--;
    }
  }

  /** Writes the fields of {@code type} found in {@code entries}; {@code afterFirst} when a member was already written. */
  private void fields(Map<String, NodeTuple> entries, Descriptor type, String path, boolean afterFirst) {
    if (entries == null) {
      return;
    }
    Map<String, FieldDescriptor> byName = fieldNames.of(type);
    Map<FieldDescriptor, String> seen = new HashMap<>();
    Map<OneofDescriptor, FieldDescriptor> oneofs = new HashMap<>();
    boolean first = !afterFirst;
    for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
      String key = e.getKey();
      Node keyNode = e.getValue().getKeyNode();
      Node valueNode = e.getValue().getValueNode();
      FieldDescriptor field = byName.get(key);
      if (field == null) {
        error(FieldPath.child(path, key), "unknown field" + FieldNames.suggestion(key, type), keyNode);
        continue;
      }
      String fieldPath = FieldPath.child(path, field.getName());
      String previous = seen.putIfAbsent(field, key);
      if (previous != null) {
        error(fieldPath, "given twice, as '" + previous + "' and '" + key + "'", keyNode);
        continue;
      }
      if (isNull(valueNode) && !isValueType(field)) {
        continue; // JSON null means "unset", as in JsonFormat
      }
      OneofDescriptor oneof = field.getRealContainingOneof();
      if (oneof != null) {
        FieldDescriptor other = oneofs.putIfAbsent(oneof, field);
        if (other != null) {
          error(fieldPath, "'" + other.getName() + "' and '" + field.getName() + "' are mutually exclusive (oneof "
              + oneof.getName() + ")", keyNode);
          continue;
        }
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      string(field.getName());
      out.append(':');
      fieldValue(valueNode, field, fieldPath);
    }
  }

  private void fieldValue(Node node, FieldDescriptor field, String path) {
    if (field.isMapField()) {
      map(node, field, path);
    } else if (field.isRepeated()) {
      list(node, field, path);
    } else {
      singular(node, field, path);
    }
  }

  private void singular(Node node, FieldDescriptor field, String path) {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      message(node, field.getMessageType(), path);
    } else {
      scalar(node, field, path);
    }
  }

  private void list(Node node, FieldDescriptor field, String path) {
    if (!(node instanceof SequenceNode seq)) {
      error(path, "expected a list, got " + describe(node), node);
      out.append("[]");
      return;
    }
    out.append('[');
    List<Node> items = seq.getValue();
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      String itemPath = FieldPath.element(path, i);
      if (isNull(items.get(i)) && !isValueType(field)) {
        error(itemPath, "list elements must not be null", items.get(i));
        out.append("{}");
        continue;
      }
      singular(items.get(i), field, itemPath);
    }
    out.append(']');
  }

  private void map(Node node, FieldDescriptor field, String path) {
    Map<String, NodeTuple> entries = entries(node, path);
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    out.append('{');
    if (entries != null) {
      boolean first = true;
      for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(e.getKey());
        out.append(':');
        String entryPath = path + "['" + e.getKey() + "']";
        Node value = e.getValue().getValueNode();
        if (isNull(value) && !isValueType(valueField)) {
          error(entryPath, "map values must not be null", value);
          out.append("null");
          continue;
        }
        singular(value, valueField, entryPath);
      }
    }
    out.append('}');
  }

  private void any(Node node, String path) {
    Map<String, NodeTuple> entries = entries(node, path);
    if (entries == null) {
      out.append("{}");
      return;
    }
    NodeTuple typeEntry = entries.remove("@type");
    if (typeEntry == null) {
      error(path, "@type is required in a typed_config or other Any", node);
      out.append("{}");
      return;
    }
    String typePath = FieldPath.child(path, "@type");
    Node typeNode = typeEntry.getValueNode();
    if (!(typeNode instanceof ScalarNode scalar) || isNull(typeNode)) {
      error(typePath, "expected a type URL string, got " + describe(typeNode), typeNode);
      out.append("{}");
      return;
    }
    String typeUrl = scalar.getValue();
    Descriptor type = lookup(typeUrl);
    if (type == null) {
      error(typePath, "unknown type '" + typeUrl + "' (not an Envoy v3 API type known to Sluice)", typeNode);
      out.append("{}");
      return;
    }
    out.append('{');
    string("@type");
    out.append(':');
    string(typeUrl);
    if (hasSpecialJson(type)) {
      // Well-known types inside an Any carry their JSON form under "value".
      NodeTuple value = entries.remove("value");
      for (NodeTuple extra : entries.values()) {
        error(FieldPath.child(path, scalarText(extra.getKeyNode())), "unknown field (a " + type.getFullName()
            + " in an Any has only 'value')", extra.getKeyNode());
      }
      if (value != null) {
        out.append(",\"value\":");
        message(value.getValueNode(), type, FieldPath.child(path, "value"));
      }
    } else {
      fields(entries, type, path, true);
    }
    out.append('}');
  }

  /** As JsonFormat resolves type URLs: the full type name is what follows the last '/'. */
  private Descriptor lookup(String typeUrl) {
    int slash = typeUrl.lastIndexOf('/');
    return slash < 0 ? null : registry.find(typeUrl.substring(slash + 1));
  }

  // ---- scalars --------------------------------------------------------------------------------

  private void scalar(Node node, FieldDescriptor field, String path) {
    count();
    if (!(node instanceof ScalarNode s)) {
      error(path, "expected " + expected(field) + ", got " + describe(node), node);
      out.append("null");
      return;
    }
    if (isNull(node)) {
      out.append("null");
      return;
    }
    String text = s.getValue();
    switch (field.getJavaType()) {
      case STRING -> string(text);
      case BYTE_STRING -> bytes(text, path, node);
      case BOOLEAN -> bool(s, path);
      case INT, LONG -> integer(text, field, path, node);
      case FLOAT, DOUBLE -> floating(text, path, node);
      case ENUM -> enumValue(text, field.getEnumType(), path, node);
      case MESSAGE -> throw new AssertionError("messages are not scalars");
    }
  }

  private void bytes(String text, String path, Node node) {
    String compact = text.replace("\n", "").replace("\r", "");
    if (!decodes(Base64.getDecoder(), compact) && !decodes(Base64.getUrlDecoder(), compact)) {
      error(path, "expected base64 bytes, got '" + shorten(text) + "'", node);
    }
    string(compact);
  }

  private static boolean decodes(Base64.Decoder decoder, String text) {
    try {
      decoder.decode(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Booleans accept what Envoy's YAML loader accepts: true/false in any case, and YAML's
   * yes/no/on/off when unquoted.
   */
  private void bool(ScalarNode s, String path) {
    String lower = s.getValue().toLowerCase(Locale.ROOT);
    boolean plainBool = s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN && Tag.BOOL.equals(s.getTag());
    if (lower.equals("true") || (plainBool && (lower.equals("yes") || lower.equals("on") || lower.equals("y")))) {
      out.append("true");
    } else if (lower.equals("false") || (plainBool && (lower.equals("no") || lower.equals("off") || lower.equals("n")))) {
      out.append("false");
    } else {
      error(path, "expected true or false, got '" + shorten(s.getValue()) + "'", s);
      out.append("false");
    }
  }

  private void integer(String text, FieldDescriptor field, String path, Node node) {
    BigInteger value;
    try {
      value = new BigDecimal(text.trim()).toBigIntegerExact();
    } catch (NumberFormatException | ArithmeticException e) {
      error(path, "expected an integer, got '" + shorten(text) + "'", node);
      out.append('0');
      return;
    }
    boolean unsigned = switch (field.getType()) {
      case UINT32, UINT64, FIXED32, FIXED64 -> true;
      default -> false;
    };
    int bits = field.getJavaType() == FieldDescriptor.JavaType.INT ? 32 : 64;
    BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(bits - 1).negate();
    BigInteger max = unsigned ? BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
        : BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      error(path, "value " + value + " is out of range for " + field.getType().name().toLowerCase(Locale.ROOT)
          + " (" + min + ".." + max + ")", node);
      out.append('0');
      return;
    }
    // 64-bit integers are written as strings, proto3 JSON's canonical form, so no JSON reader
    // rounds them through a double.
    if (bits == 64) {
      string(value.toString());
    } else {
      out.append(value);
    }
  }

  private void floating(String text, String path, Node node) {
    String t = text.trim();
    switch (t.toLowerCase(Locale.ROOT)) {
      case ".nan", "nan" -> string("NaN");
      case ".inf", "+.inf", "infinity", "+infinity" -> string("Infinity");
      case "-.inf", "-infinity" -> string("-Infinity");
      default -> {
        try {
          out.append(new BigDecimal(t).toString());
        } catch (NumberFormatException e) {
          error(path, "expected a number, got '" + shorten(text) + "'", node);
          out.append('0');
        }
      }
    }
  }

  private void enumValue(String text, EnumDescriptor type, String path, Node node) {
    EnumValueDescriptor value = type.findValueByName(text);
    if (value == null) {
      try {
        value = type.findValueByNumber(Integer.parseInt(text.trim()));
      } catch (NumberFormatException e) {
        value = null;
      }
    }
    if (value == null) {
      StringJoiner allowed = new StringJoiner(", ");
      for (EnumValueDescriptor v : type.getValues()) {
        if (!v.getOptions().getDeprecated() && !v.getName().startsWith("DEPRECATED_AND_UNAVAILABLE")) {
          allowed.add(v.getName());
        }
      }
      error(path, "bad enum value '" + shorten(text) + "' (allowed: " + allowed + ")", node);
      out.append('0');
      return;
    }
    string(value.getName());
  }

  // ---- well-known types written as strings or free-form JSON -------------------------------------

  private void duration(Node node, String path) {
    String text = node instanceof ScalarNode s && !isNull(node) ? s.getValue().trim() : null;
    if (text == null || !DURATION.matches(text)) {
      error(path, "expected a duration such as \"5s\" or \"0.25s\", got "
          + (text == null ? describe(node) : "'" + shorten(text) + "'"), node);
      out.append("null");
      return;
    }
    string(text);
  }

  private void stringLike(Node node, String path, String typeName) {
    if (!(node instanceof ScalarNode s) || isNull(node)) {
      error(path, "expected a " + typeName + " string, got " + describe(node), node);
      out.append("null");
      return;
    }
    string(s.getValue());
  }

  private enum Expect { MAP, LIST, ANYTHING }

  private void freeForm(Node node, String path, Expect expect) {
    if (expect == Expect.MAP && !(node instanceof MappingNode)) {
      error(path, "expected a map, got " + describe(node), node);
      out.append("{}");
      return;
    }
    if (expect == Expect.LIST && !(node instanceof SequenceNode)) {
      error(path, "expected a list, got " + describe(node), node);
      out.append("[]");
      return;
    }
    freeFormValue(node, path);
  }

  private void freeFormValue(Node node, String path) {
    if (node instanceof MappingNode) {
      Map<String, NodeTuple> entries = entries(node, path);
      out.append('{');
      if (entries != null) {
        boolean first = true;
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          string(e.getKey());
          out.append(':');
          descend(e.getValue().getValueNode(), FieldPath.child(path, e.getKey()));
        }
      }
      out.append('}');
    } else if (node instanceof SequenceNode seq) {
      out.append('[');
      for (int i = 0; i < seq.getValue().size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        descend(seq.getValue().get(i), FieldPath.element(path, i));
      }
      out.append(']');
    } else {
      ScalarNode s = (ScalarNode) node;
      if (isNull(s)) {
        out.append("null");
      } else if (isPlain(s) && Tag.BOOL.equals(s.getTag())) {
        bool(s, path);
      } else if (isPlain(s) && (Tag.INT.equals(s.getTag()) || Tag.FLOAT.equals(s.getTag()))
          && isJsonNumber(s.getValue())) {
        out.append(s.getValue());
      } else {
        string(s.getValue());
      }
    }
  }

  private void descend(Node node, String path) {
    if (!enter(node, path)) {
      out.append("null");
      return;
    }
    try {
      freeFormValue(node, path);
    } finally {
      depth--;
    }
  }

  // ---- YAML helpers ---------------------------------------------------------------------------

  /**
   * The entries of a mapping by key text, with YAML merge keys ({@code <<: *anchor}) applied:
   * explicit keys win over merged ones. Duplicate explicit keys are errors, as Envoy's loader
   * treats them. Returns null (after recording an error) when {@code node} is not a mapping.
   */
  private Map<String, NodeTuple> entries(Node node, String path) {
    if (!(node instanceof MappingNode mapping)) {
      error(path, "expected a map, got " + describe(node), node);
      return null;
    }
    Map<String, NodeTuple> explicit = new LinkedHashMap<>();
    List<Node> merged = new ArrayList<>();
    for (NodeTuple t : mapping.getValue()) {
      Node key = t.getKeyNode();
      if (!(key instanceof ScalarNode)) {
        error(path, "map keys must be strings, got " + describe(key), key);
        continue;
      }
      if (Tag.MERGE.equals(key.getTag())) {
        merged.add(t.getValueNode());
        continue;
      }
      String text = scalarText(key);
      NodeTuple previous = explicit.putIfAbsent(text, t);
      if (previous != null) {
        error(FieldPath.child(path, text), "duplicate key (first at line "
            + (previous.getKeyNode().getStartMark().getLine() + 1) + ")", key);
      }
    }
    for (Node source : merged) {
      List<Node> sources = source instanceof SequenceNode seq ? seq.getValue() : List.of(source);
      for (Node m : sources) {
        Map<String, NodeTuple> inherited = entries(m, path);
        if (inherited != null) {
          inherited.forEach(explicit::putIfAbsent);
        }
      }
    }
    return explicit;
  }

  private void count() {
    if (++nodes > MAX_NODES) {
      throw new TooLarge();
    }
  }

  private boolean enter(Node node, String path) {
    count();
    if (++depth > MAX_DEPTH) {
      depth--;
      error(path, "nested more than " + MAX_DEPTH + " levels deep (is there an alias cycle?)", node);
      return false;
    }
    return true;
  }

  private static boolean isValueType(FieldDescriptor field) {
    return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
        && field.getMessageType().getFullName().equals("google.protobuf.Value");
  }

  private static boolean hasSpecialJson(Descriptor type) {
    return SPECIAL_JSON.contains(type.getFullName());
  }

  private static String expected(FieldDescriptor field) {
    return switch (field.getJavaType()) {
      case STRING -> "a string";
      case BYTE_STRING -> "base64 bytes";
      case BOOLEAN -> "true or false";
      case INT, LONG -> "an integer";
      case FLOAT, DOUBLE -> "a number";
      case ENUM -> "one of " + field.getEnumType().getName() + "'s values";
      case MESSAGE -> "a map";
    };
  }

  private void error(String path, String message, Node node) {
    Mark mark = node == null ? null : node.getStartMark();
    String where = mark == null ? "" : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")";
    errors.add(path.isEmpty() ? origin + ": " + message + where : origin + ": " + path + ": " + message + where);
  }

  private void string(String s) {
    JsonText.appendQuoted(out, s);
  }
}
