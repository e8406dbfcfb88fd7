package dev.sluice.conformance.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for tests that need a refused connection. */
public final class Ports {
  private Ports() {}

  /**
   * A loopback port nothing listens on: bound to an ephemeral port and closed again. Another
   * process could take it in between; on loopback in a test run that is not a practical concern.
   */
  public static int closed() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
