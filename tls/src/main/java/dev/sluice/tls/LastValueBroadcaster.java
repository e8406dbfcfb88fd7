package dev.sluice.tls;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher list of a source: remembers the last value and error and replays them to new
 * watchers. One lock serialises publishing and subscribing so that a watcher sees values in order
 * and exactly once; this is control-plane work, never on an event loop.
 */
final class LastValueBroadcaster<T> {
  private static final Logger log = LoggerFactory.getLogger(LastValueBroadcaster.class);

  private final String sourceName;
  private final List<CertificateWatcher<T>> watchers = new ArrayList<>();
  private T value;
  private String error;

  LastValueBroadcaster(String sourceName) {
    this.sourceName = sourceName;
  }

  /** Adds {@code watcher} after replaying the last value and later error; returns the number of watchers. */
  synchronized int add(CertificateWatcher<T> watcher) {
    if (value != null) {
      deliver(watcher, value);
    }
    if (error != null) {
      deliverError(watcher, error);
    }
    watchers.add(watcher);
    return watchers.size();
  }

  /** Removes {@code watcher}; returns the number left. */
  synchronized int remove(CertificateWatcher<T> watcher) {
    watchers.remove(watcher);
    return watchers.size();
  }

  synchronized void publish(T newValue) {
    value = newValue;
    error = null;
    for (CertificateWatcher<T> watcher : List.copyOf(watchers)) {
      deliver(watcher, newValue);
    }
  }

  synchronized void publishError(String reason) {
    error = reason;
    for (CertificateWatcher<T> watcher : List.copyOf(watchers)) {
      deliverError(watcher, reason);
    }
  }

  synchronized T value() {
    return value;
  }

  synchronized String error() {
    return error;
  }

  private void deliver(CertificateWatcher<T> watcher, T delivered) {
    try {
      watcher.onUpdate(delivered);
    } catch (RuntimeException e) {
      log.warn("watcher of {} failed on an update", sourceName, e);
    }
  }

  private void deliverError(CertificateWatcher<T> watcher, String reason) {
    try {
      watcher.onError(reason);
    } catch (RuntimeException e) {
      log.warn("watcher of {} failed on an error report", sourceName, e);
    }
  }
}
