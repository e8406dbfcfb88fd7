package dev.sluice.perf.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Linux delays a thread's timer expiries by up to its timer slack, 50 µs by default, which would
 * jitter an open-loop schedule by as much as the latencies it measures. Writing
 * {@code /proc/<tid>/timerslack_ns} (Linux 4.6+) for the calling thread sets it to 1 ns; where
 * that is not allowed the schedule keeps the default and the generator's send lag shows it.
 */
final class TimerSlack {
  private TimerSlack() {}

  /** Sets the calling thread's timer slack to 1 ns; false if the platform does not allow it. */
  static boolean minimizeForCurrentThread() {
    try {
      Path self = Files.readSymbolicLink(Path.of("/proc/thread-self")); // "<pid>/task/<tid>"
      String tid = self.getFileName().toString();
      Files.writeString(Path.of("/proc", tid, "timerslack_ns"), "1");
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }
}
