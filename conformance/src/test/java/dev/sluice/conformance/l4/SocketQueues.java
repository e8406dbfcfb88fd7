package dev.sluice.conformance.l4;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bytes the kernel holds for loopback TCP sockets, from Linux's /proc/net/tcp and tcp6: per
 * socket, {@code tx_queue} (written by the application, not yet acknowledged by the peer) and
 * {@code rx_queue} (arrived, not yet read by the application). With every socket of a relay
 * accounted for, what a sender has written minus what the receiver has read minus what the kernel
 * holds is what the relaying process itself buffers.
 */
final class SocketQueues {
  private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

  /** tx + rx by "localPort>remotePort". */
  private final Map<String, Long> queued;

  private SocketQueues(Map<String, Long> queued) {
    this.queued = queued;
  }

  /** Whether this system publishes the tables (Linux does; elsewhere the tests skip the exact accounting). */
  static boolean available() {
    return Files.isReadable(TABLES.get(0));
  }

  static SocketQueues read() {
    Map<String, Long> queued = new HashMap<>();
    for (Path table : TABLES) {
      if (!Files.isReadable(table)) {
        continue;
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(table);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + table, e);
      }
      for (String line : lines.subList(1, lines.size())) {
        // sl local_address rem_address st tx_queue:rx_queue ...; addresses are HEXIP:HEXPORT
        String[] f = line.trim().split("\\s+");
        int local = port(f[1]);
        int remote = port(f[2]);
        String[] queues = f[4].split(":");
        long bytes = Long.parseLong(queues[0], 16) + Long.parseLong(queues[1], 16);
        queued.merge(local + ">" + remote, bytes, Long::sum);
      }
    }
    return new SocketQueues(queued);
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1), 16);
  }

  /** Bytes queued in both sockets of the loopback connection between these two ports. */
  long connection(int portA, int portB) {
    return queued.getOrDefault(portA + ">" + portB, 0L) + queued.getOrDefault(portB + ">" + portA, 0L);
  }
}
