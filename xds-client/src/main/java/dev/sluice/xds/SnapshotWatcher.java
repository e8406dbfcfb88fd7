package dev.sluice.xds;

import dev.sluice.snapshot.ConfigSnapshot;

/**
 * Receives each new complete, consistent snapshot. Called on the xDS client's own thread, one
 * call at a time and in order; an implementation should hand the snapshot over and return, since
 * the client processes nothing else meanwhile.
 */
@FunctionalInterface
public interface SnapshotWatcher {
  void onSnapshot(ConfigSnapshot snapshot);
}
