package dev.sluice.xds.resource;

import dev.sluice.config.AppendAction;
import dev.sluice.config.HeaderMutations;
import dev.sluice.config.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decodes the four header mutation lists that Envoy allows at the route configuration, virtual
 * host, route and weighted cluster levels.
 */
final class HeaderMutationDecoder {
  private static final Set<String> OPTION_FIELDS = Set.of("header", "append", "append_action", "keep_empty_value");
  private static final Set<String> HEADER_FIELDS = Set.of("key", "value");

  private HeaderMutationDecoder() {}

  static HeaderMutations decode(
      List<io.envoyproxy.envoy.config.core.v3.HeaderValueOption> requestToAdd,
      List<String> requestToRemove,
      List<io.envoyproxy.envoy.config.core.v3.HeaderValueOption> responseToAdd,
      List<String> responseToRemove,
      String path,
      DecodeContext ctx) {
    if (requestToAdd.isEmpty() && requestToRemove.isEmpty() && responseToAdd.isEmpty() && responseToRemove.isEmpty()) {
      return HeaderMutations.NONE;
    }
    return new HeaderMutations(
        toAdd(requestToAdd, FieldPath.child(path, "request_headers_to_add"), ctx),
        toRemove(requestToRemove, FieldPath.child(path, "request_headers_to_remove"), ctx),
        toAdd(responseToAdd, FieldPath.child(path, "response_headers_to_add"), ctx),
        toRemove(responseToRemove, FieldPath.child(path, "response_headers_to_remove"), ctx));
  }

  private static List<HeaderValueOption> toAdd(
      List<io.envoyproxy.envoy.config.core.v3.HeaderValueOption> options, String path, DecodeContext ctx) {
    List<HeaderValueOption> out = new ArrayList<>(options.size());
    for (int i = 0; i < options.size(); i++) {
      HeaderValueOption o = option(options.get(i), FieldPath.element(path, i), ctx);
      if (o != null) {
        out.add(o);
      }
    }
    return out;
  }

  private static HeaderValueOption option(
      io.envoyproxy.envoy.config.core.v3.HeaderValueOption o, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(o, path, ctx, OPTION_FIELDS);
    String headerPath = FieldPath.child(path, "header");
    if (!o.hasHeader()) {
      ctx.error(headerPath, "header is required");
      return null;
    }
    HeaderValue h = o.getHeader();
    FieldRules.check(h, headerPath, ctx, HEADER_FIELDS);
    String key = h.getKey();
    if (key.isEmpty()) {
      ctx.error(FieldPath.child(headerPath, "key"), "must not be empty");
    } else if (!modifiable(key)) {
      // Envoy's HeaderParser refuses these: the router and codecs own them.
      ctx.error(FieldPath.child(headerPath, "key"), ":-prefixed or host headers may not be modified (value: '" + key + "')");
    }
    String value = literal(h.getValue(), FieldPath.child(headerPath, "value"), ctx);
    AppendAction action = appendAction(o, path, ctx);
    if (ctx.errorCount() != before) {
      return null;
    }
    return new HeaderValueOption(key, value, action, o.getKeepEmptyValue());
  }

  /**
   * Envoy's rule (router/header_parser.cc): the deprecated {@code append} wins when set — true
   * appends, false overwrites — and it may not be combined with a non-default
   * {@code append_action}; when {@code append} is unset, {@code append_action} applies, whose
   * default is APPEND_IF_EXISTS_OR_ADD.
   */
  @SuppressWarnings("deprecation") // deprecated in the v3 API, but Envoy still accepts it and files use it
  private static AppendAction appendAction(
      io.envoyproxy.envoy.config.core.v3.HeaderValueOption o, String path, DecodeContext ctx) {
    var proto = o.getAppendAction();
    if (o.hasAppend()) {
      if (proto != io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD) {
        ctx.error(FieldPath.child(path, "append"),
            "both append and append_action (" + proto + ") are set and it's not allowed; use append_action only");
      }
      return o.getAppend().getValue() ? AppendAction.APPEND_IF_EXISTS_OR_ADD : AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
    }
    return switch (proto) {
      case APPEND_IF_EXISTS_OR_ADD -> AppendAction.APPEND_IF_EXISTS_OR_ADD;
      case ADD_IF_ABSENT -> AppendAction.ADD_IF_ABSENT;
      case OVERWRITE_IF_EXISTS_OR_ADD -> AppendAction.OVERWRITE_IF_EXISTS_OR_ADD;
      case OVERWRITE_IF_EXISTS -> AppendAction.OVERWRITE_IF_EXISTS;
      case UNRECOGNIZED -> {
        ctx.error(FieldPath.child(path, "append_action"), "unknown append_action value " + o.getAppendActionValue());
        yield AppendAction.APPEND_IF_EXISTS_OR_ADD;
      }
    };
  }

  /**
   * Envoy treats {@code %...%} in header values as substitution commands and {@code %%} as a
   * literal percent sign. Sluice has no substitution formatter, so a command is rejected rather
   * than sent literally; {@code %%} is unescaped as Envoy would.
   */
  private static String literal(String value, String path, DecodeContext ctx) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '%') {
        sb.append(c);
      } else if (i + 1 < value.length() && value.charAt(i + 1) == '%') {
        sb.append('%');
        i++;
      } else {
        ctx.error(path, "header value formatters (%COMMAND%) are not supported by Sluice; write %% for a literal"
            + " percent sign (value: '" + value + "')");
        return value;
      }
    }
    return sb.toString();
  }

  private static List<String> toRemove(List<String> names, String path, DecodeContext ctx) {
    List<String> out = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String itemPath = FieldPath.element(path, i);
      if (name.isEmpty()) {
        ctx.error(itemPath, "must not be empty");
      } else if (!modifiable(name)) {
        ctx.error(itemPath, ":-prefixed or host headers may not be removed (value: '" + name + "')");
      } else {
        out.add(name);
      }
    }
    return out;
  }

  private static boolean modifiable(String name) {
    return name.charAt(0) != ':' && !name.toLowerCase(Locale.ROOT).equals("host");
  }
}
