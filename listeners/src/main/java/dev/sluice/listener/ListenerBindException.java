package dev.sluice.listener;

/** A listener could not take its address (in use, not local, no permission). */
public final class ListenerBindException extends Exception {
  private static final long serialVersionUID = 1L;

  public ListenerBindException(String message, Throwable cause) {
    super(message, cause);
  }
}
