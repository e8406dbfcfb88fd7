package dev.sluice.xds.internal;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Envoy's redaction of fields marked {@code [(udpa.annotations.sensitive) = true]} (private keys,
 * key passwords, session ticket keys, generic secrets), as its {@code /config_dump} does: under a
 * sensitive field every string and bytes value becomes {@code [redacted]} and every other scalar
 * is cleared. {@code Any} payloads of a type the {@link EnvoyTypeRegistry} knows are redacted too,
 * so a listener's inline TLS key is hidden however deeply it is packed.
 */
public final class SensitiveFields {
  private static final String REDACTED = "[redacted]";
  private static final ByteString REDACTED_BYTES = ByteString.copyFromUtf8(REDACTED);
  private static final String ANY_TYPE = Any.getDescriptor().getFullName();

  // Per message type: whether a sensitive field can be reached, not counting (and counting) Any
  // payloads, which may hold anything.
  private static final Map<Descriptor, Boolean> HOLDS_SENSITIVE = new ConcurrentHashMap<>();
  private static final Map<Descriptor, Boolean> HOLDS_SENSITIVE_OR_ANY = new ConcurrentHashMap<>();

  private SensitiveFields() {}

  /** True when {@code field} is sensitive or holds a message that has a sensitive field (Any payloads not counted). */
  public static boolean mayHoldSensitive(FieldDescriptor field) {
    if (isSensitive(field)) {
      return true;
    }
    return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && holdsSensitive(field.getMessageType());
  }

  /** {@code message} with its sensitive content redacted; the same instance when there is none. */
  @SuppressWarnings("unchecked")
  public static <M extends Message> M redact(M message) {
    Message.Builder b = message.toBuilder();
    return redact(b, false) ? (M) b.build() : message;
  }

  private static boolean isSensitive(FieldDescriptor field) {
    return field.getOptions().getExtension(udpa.annotations.Sensitive.sensitive);
  }

  private static boolean holdsSensitive(Descriptor type) {
    return holds(type, false);
  }

  private static boolean holds(Descriptor type, boolean countAny) {
    Map<Descriptor, Boolean> memo = countAny ? HOLDS_SENSITIVE_OR_ANY : HOLDS_SENSITIVE;
    Boolean known = memo.get(type);
    if (known == null) {
      known = holds(type, countAny, new HashSet<>());
      memo.put(type, known);
    }
    return known;
  }

  private static boolean holds(Descriptor type, boolean countAny, Set<Descriptor> visiting) {
    if (countAny && type.getFullName().equals(ANY_TYPE)) {
      return true;
    }
    if (!visiting.add(type)) {
      return false;
    }
    for (FieldDescriptor f : type.getFields()) {
      if (isSensitive(f) || (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && holds(f.getMessageType(), countAny, visiting))) {
        return true;
      }
    }
    return false;
  }

  /** Redacts {@code b} in place; true when anything changed. */
  private static boolean redact(Message.Builder b, boolean underSensitive) {
    if (b.getDescriptorForType().getFullName().equals(ANY_TYPE)) {
      return redactAny(b, underSensitive);
    }
    boolean changed = false;
    for (FieldDescriptor f : new ArrayList<>(b.getAllFields().keySet())) {
      boolean sensitive = underSensitive || isSensitive(f);
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (!sensitive && !holds(f.getMessageType(), true)) {
          continue;
        }
        if (f.isRepeated()) {
          List<Message> items = new ArrayList<>();
          boolean any = false;
          for (int i = 0; i < b.getRepeatedFieldCount(f); i++) {
            Message.Builder item = ((Message) b.getRepeatedField(f, i)).toBuilder();
            any |= redact(item, sensitive);
            items.add(item.build());
          }
          if (any) {
            b.clearField(f);
            items.forEach(item -> b.addRepeatedField(f, item));
            changed = true;
          }
        } else {
          Message.Builder item = ((Message) b.getField(f)).toBuilder();
          if (redact(item, sensitive)) {
            b.setField(f, item.build());
            changed = true;
          }
        }
      } else if (sensitive) {
        redactScalar(b, f);
        changed = true;
      }
    }
    return changed;
  }

  private static void redactScalar(Message.Builder b, FieldDescriptor f) {
    Object replacement = switch (f.getJavaType()) {
      case STRING -> REDACTED;
      case BYTE_STRING -> REDACTED_BYTES;
      default -> null;
    };
    if (replacement == null) {
      b.clearField(f);
    } else if (f.isRepeated()) {
      for (int i = 0; i < b.getRepeatedFieldCount(f); i++) {
        b.setRepeatedField(f, i, replacement);
      }
    } else {
      b.setField(f, replacement);
    }
  }

  /**
   * An Any, generated or dynamic: its payload is parsed with the registry's descriptor, redacted and
   * packed again. Under a sensitive field a payload of unknown type is emptied, as nothing in it
   * can be shown.
   */
  private static boolean redactAny(Message.Builder b, boolean underSensitive) {
    Descriptor anyType = b.getDescriptorForType();
    FieldDescriptor typeUrlField = anyType.findFieldByName("type_url");
    FieldDescriptor valueField = anyType.findFieldByName("value");
    String typeUrl = (String) b.getField(typeUrlField);
    ByteString value = (ByteString) b.getField(valueField);
    Descriptor type = EnvoyTypeRegistry.get().find(typeUrl.substring(typeUrl.lastIndexOf('/') + 1));
    if (type != null) {
      try {
        DynamicMessage.Builder payload = DynamicMessage.parseFrom(type, value).toBuilder();
        if (!redact(payload, underSensitive)) {
          return false;
        }
        b.setField(valueField, payload.build().toByteString());
        return true;
      } catch (InvalidProtocolBufferException e) {
        // Not parseable: treated as a payload of unknown type.
      }
    }
    if (underSensitive && !value.isEmpty()) {
      b.setField(valueField, ByteString.EMPTY);
      return true;
    }
    return false;
  }
}
