package dev.sluice.config;

/** Envoy's {@code HeaderValueOption.HeaderAppendAction}. */
public enum AppendAction {
  /** Append to existing values, or add the header. */
  APPEND_IF_EXISTS_OR_ADD,
  /** Add only when the header is absent. */
  ADD_IF_ABSENT,
  /** Replace existing values, or add the header. */
  OVERWRITE_IF_EXISTS_OR_ADD,
  /** Replace existing values; do nothing when absent. */
  OVERWRITE_IF_EXISTS
}
