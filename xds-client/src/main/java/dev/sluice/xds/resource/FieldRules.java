package dev.sluice.xds.resource;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.sluice.xds.internal.SensitiveFields;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The generic half of "parsing is validation": any field of a decoded message that is set but
 * not in the decoder's supported set is either tolerated (see {@link ToleratedFields}) with a
 * warning, or reported as not supported with its path and value. Decoders then only need to
 * handle the fields they name.
 */
final class FieldRules {
  private static final int MAX_VALUE_CHARS = 80;

  private FieldRules() {}

  /**
   * Reports every set field of {@code message} whose proto name is not in {@code supported}.
   * Proto3 scalars count as set when they differ from their default, which is the only way the
   * wire or JSON form can express them.
   */
  static void check(Message message, String path, DecodeContext ctx, Set<String> supported) {
    for (FieldDescriptor field : unsupported(message.getDescriptorForType(), supported)) {
      boolean set = field.isRepeated() ? message.getRepeatedFieldCount(field) > 0 : message.hasField(field);
      if (!set) {
        continue;
      }
      String fieldPath = FieldPath.child(path, field.getName());
      String reason = ToleratedFields.reason(message.getDescriptorForType().getFullName(), field.getName());
      if (reason != null) {
        ctx.warn(fieldPath, "ignored by Sluice: " + reason);
      } else if (SensitiveFields.mayHoldSensitive(field)) {
        // Messages end up in logs and NACKs; a key or password must not.
        ctx.error(fieldPath, "field not supported by Sluice (value not shown: it may hold key material)");
      } else {
        ctx.error(fieldPath, "field not supported by Sluice (value: "
            + shortValue(field, message.getField(field)) + ")");
      }
    }
  }

  /**
   * The fields of {@code type} outside {@code supported}, computed once per pair. Testing only
   * these with hasField is much cheaper than getAllFields(), which builds a sorted map of every
   * set field of every message: on a 10,000-route update that was the largest single cost.
   */
  private static FieldDescriptor[] unsupported(Descriptor type, Set<String> supported) {
    Map<Set<String>, FieldDescriptor[]> bySet = UNSUPPORTED.computeIfAbsent(type,
        t -> java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>()));
    FieldDescriptor[] fields = bySet.get(supported);
    if (fields == null) {
      fields = type.getFields().stream()
          .filter(f -> !supported.contains(f.getName()))
          .toArray(FieldDescriptor[]::new);
      bySet.put(supported, fields);
    }
    return fields;
  }

  /** Keyed by the decoders' constant supported-field sets, so identity is the right equality. */
  private static final Map<Descriptor, Map<Set<String>, FieldDescriptor[]>> UNSUPPORTED =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A one-line rendering of a field value for messages, cut to a readable length. */
  static String shortValue(FieldDescriptor field, Object value) {
    String text;
    if (value instanceof List<?> list) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < list.size() && sb.length() <= MAX_VALUE_CHARS; i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(single(list.get(i)));
      }
      text = sb.append(']').toString();
    } else {
      text = single(value);
    }
    return text.length() <= MAX_VALUE_CHARS ? text : text.substring(0, MAX_VALUE_CHARS) + "...";
  }

  private static String single(Object value) {
    if (value instanceof Message m) {
      return "{" + TextFormat.printer().shortDebugString(m) + "}";
    }
    if (value instanceof String s) {
      return "'" + s + "'";
    }
    if (value instanceof EnumValueDescriptor ev) {
      return ev.getName();
    }
    if (value instanceof ByteString b) {
      return b.size() + " bytes";
    }
    return String.valueOf(value);
  }
}
