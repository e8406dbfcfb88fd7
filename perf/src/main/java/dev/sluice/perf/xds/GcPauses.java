package dev.sluice.perf.xds;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The collections of this JVM while it listens, each as {start, end} in {@code System.nanoTime}
 * terms (the end is when the notification arrived, shortly after the collection ended), so that a
 * latency outlier can be matched with a pause.
 */
final class GcPauses implements AutoCloseable {
  private final List<long[]> pauses = new CopyOnWriteArrayList<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onNotification;

  GcPauses() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
  }

  private void onNotification(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long end = System.nanoTime();
    pauses.add(new long[] {end - info.getGcInfo().getDuration() * 1_000_000L, end});
  }

  /** The pauses that overlap [from, to]: their count and the longest, in milliseconds. */
  double[] within(List<long[]> windows) {
    int count = 0;
    long longest = 0;
    for (long[] p : pauses) {
      for (long[] w : windows) {
        if (p[1] >= w[0] && p[0] <= w[1]) {
          count++;
          longest = Math.max(longest, p[1] - p[0]);
          break;
        }
      }
    }
    return new double[] {count, longest / 1e6};
  }

  @Override
  public void close() {
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(listener);
      } catch (javax.management.ListenerNotFoundException ignored) {
        // already gone
      }
    }
  }
}
