package dev.sluice.routing;

/** Headers to mutate; listeners adapt Netty HttpHeaders to it. Names are case-insensitive. */
public interface MutableHeaders {
  boolean contains(String name);

  /** Adds one more value, keeping existing ones. */
  void add(String name, String value);

  /** Replaces all values. */
  void set(String name, String value);

  void remove(String name);
}
