package dev.sluice.routing;

import dev.sluice.config.AppendAction;
import dev.sluice.config.HeaderValueOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The header additions and removals of one level (weighted cluster, route, virtual host or route
 * configuration) for one direction, applied as Envoy's {@code HeaderParser::evaluateHeaders}
 * applies them:
 *
 * <ol>
 *   <li>the level's removals;
 *   <li>every conditional action ({@code ADD_IF_ABSENT}, {@code OVERWRITE_IF_EXISTS}) is decided
 *       against the headers as they are now, before any of this level's additions;
 *   <li>all overwrites ({@code OVERWRITE_IF_EXISTS_OR_ADD}, and {@code OVERWRITE_IF_EXISTS} where
 *       the header existed) in configuration order;
 *   <li>then all additions ({@code APPEND_IF_EXISTS_OR_ADD}, and {@code ADD_IF_ABSENT} where the
 *       header was absent) in configuration order.
 * </ol>
 *
 * Values are literals; an empty value is skipped unless {@code keep_empty_value} is set, which is
 * decided here once because the value cannot change per request.
 */
final class HeaderMutationLevel {
  private static final int NOT_CONDITIONAL = -1;

  private final String[] removals;
  private final String[] keys;
  private final String[] values;
  private final AppendAction[] actions;
  /** For each addition, its index among the conditional ones, or {@link #NOT_CONDITIONAL}. */
  private final int[] conditionIndex;
  private final int conditionCount;

  private HeaderMutationLevel(List<String> removals, List<HeaderValueOption> additions) {
    this.removals = removals.toArray(new String[0]);
    int n = additions.size();
    this.keys = new String[n];
    this.values = new String[n];
    this.actions = new AppendAction[n];
    this.conditionIndex = new int[n];
    int conditions = 0;
    for (int i = 0; i < n; i++) {
      HeaderValueOption option = additions.get(i);
      keys[i] = option.key();
      values[i] = option.value();
      actions[i] = option.appendAction();
      boolean conditional = option.appendAction() == AppendAction.ADD_IF_ABSENT
          || option.appendAction() == AppendAction.OVERWRITE_IF_EXISTS;
      conditionIndex[i] = conditional ? conditions++ : NOT_CONDITIONAL;
    }
    this.conditionCount = conditions;
  }

  /** The compiled level, or null when it changes nothing. */
  static HeaderMutationLevel of(List<HeaderValueOption> additions, List<String> removals) {
    List<HeaderValueOption> kept = new ArrayList<>(additions.size());
    for (HeaderValueOption option : additions) {
      if (!option.value().isEmpty() || option.keepEmptyValue()) {
        kept.add(option);
      }
    }
    if (kept.isEmpty() && removals.isEmpty()) {
      return null;
    }
    return new HeaderMutationLevel(removals, kept);
  }

  void apply(MutableHeaders headers) {
    for (String name : removals) {
      headers.remove(name);
    }
    // Presence of each conditional header before this level adds anything; a bit set for the
    // usual handful, an array only past 64 conditional entries.
    long presentBits = 0;
    boolean[] presentMany = conditionCount > Long.SIZE ? new boolean[conditionCount] : null;
    for (int i = 0; i < keys.length; i++) {
      int c = conditionIndex[i];
      if (c != NOT_CONDITIONAL && headers.contains(keys[i])) {
        if (presentMany != null) {
          presentMany[c] = true;
        } else {
          presentBits |= 1L << c;
        }
      }
    }
    for (int i = 0; i < keys.length; i++) {
      AppendAction action = actions[i];
      if (action == AppendAction.OVERWRITE_IF_EXISTS_OR_ADD
          || action == AppendAction.OVERWRITE_IF_EXISTS && wasPresent(i, presentBits, presentMany)) {
        headers.set(keys[i], values[i]);
      }
    }
    for (int i = 0; i < keys.length; i++) {
      AppendAction action = actions[i];
      if (action == AppendAction.APPEND_IF_EXISTS_OR_ADD
          || action == AppendAction.ADD_IF_ABSENT && !wasPresent(i, presentBits, presentMany)) {
        headers.add(keys[i], values[i]);
      }
    }
  }

  private boolean wasPresent(int addition, long presentBits, boolean[] presentMany) {
    int c = conditionIndex[addition];
    return presentMany != null ? presentMany[c] : (presentBits & (1L << c)) != 0;
  }
}
