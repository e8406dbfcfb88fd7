package dev.sluice.stats;

import java.util.concurrent.atomic.LongAdder;

/** A value that goes up and down, such as active connections. */
public final class Gauge {
  private final String name;
  private final LongAdder value = new LongAdder();

  Gauge(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  public void inc() {
    value.increment();
  }

  public void dec() {
    value.decrement();
  }

  public void add(long delta) {
    value.add(delta);
  }

  public void set(long newValue) {
    // Only used by single writers (server.state, config gauges), never on the request path.
    synchronized (this) {
      value.add(newValue - value.sum());
    }
  }

  public long value() {
    return value.sum();
  }
}
