package dev.sluice.app;

/** A command line that cannot be run as given; the message says which flag and why. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
