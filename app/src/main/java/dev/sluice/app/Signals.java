package dev.sluice.app;

import java.util.function.Consumer;

/**
 * SIGTERM and SIGINT handling. A JVM shutdown hook cannot choose the exit status (the process
 * would end with 143), and a supervisor expects a drained proxy to exit 0; the signal API of
 * jdk.unsupported lets the handler drain first and then return normally.
 */
final class Signals {
  private Signals() {}

  /** Runs {@code action} once, on its own thread, for the first SIGTERM or SIGINT. */
  @SuppressWarnings("sunapi")
  static void onTerminate(Consumer<String> action) {
    java.util.concurrent.atomic.AtomicBoolean fired = new java.util.concurrent.atomic.AtomicBoolean();
    sun.misc.SignalHandler handler = signal -> {
      if (fired.compareAndSet(false, true)) {
        Thread t = new Thread(() -> action.accept(signal.getName()), "sluice-shutdown");
        t.start();
      }
    };
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
  }
}
