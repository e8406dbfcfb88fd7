package dev.sluice.app;

/** The server could not start; the message says what and where. */
public final class StartupException extends Exception {
  private static final long serialVersionUID = 1L;

  StartupException(String message) {
    super(message);
  }

  StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
