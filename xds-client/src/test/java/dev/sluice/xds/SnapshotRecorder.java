package dev.sluice.xds;

import dev.sluice.snapshot.ConfigSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A watcher that keeps every snapshot and lets a test wait for one that matches. */
final class SnapshotRecorder implements SnapshotWatcher {
  private final List<ConfigSnapshot> snapshots = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  @Override
  public synchronized void onSnapshot(ConfigSnapshot snapshot) {
    snapshots.add(snapshot);
    threads.add(Thread.currentThread());
    notifyAll();
  }

  synchronized List<ConfigSnapshot> all() {
    return List.copyOf(snapshots);
  }

  synchronized List<Thread> threads() {
    return List.copyOf(threads);
  }

  synchronized ConfigSnapshot last() {
    return snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
  }

  /** Waits for a snapshot after the first {@code skip} that matches {@code p}. */
  synchronized ConfigSnapshot await(int skip, Predicate<ConfigSnapshot> p, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (int i = skip; i < snapshots.size(); i++) {
        if (p.test(snapshots.get(i))) {
          return snapshots.get(i);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out waiting for a matching snapshot; got " + snapshots);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  synchronized ConfigSnapshot await(Predicate<ConfigSnapshot> p, Duration timeout) throws InterruptedException {
    return await(0, p, timeout);
  }

  synchronized int size() {
    return snapshots.size();
  }
}
