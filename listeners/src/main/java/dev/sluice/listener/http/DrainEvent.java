package dev.sluice.listener.http;

/** Fired into every downstream connection when its listener drains: finish what is in flight, then close. */
public final class DrainEvent {
  public static final DrainEvent INSTANCE = new DrainEvent();

  private DrainEvent() {}
}
