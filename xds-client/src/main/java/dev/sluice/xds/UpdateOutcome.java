package dev.sluice.xds;

import java.util.List;
import java.util.Set;

/**
 * What applying one response did: whether any held value changed, the errors that make it a NACK
 * (empty for an ACK), and the names accepted and rejected, for per-resource stats.
 */
record UpdateOutcome(boolean changed, List<String> errors, Set<String> accepted, Set<String> rejected) {
  UpdateOutcome {
    errors = List.copyOf(errors);
    accepted = Set.copyOf(accepted);
    rejected = Set.copyOf(rejected);
  }

  boolean isAck() {
    return errors.isEmpty();
  }
}
