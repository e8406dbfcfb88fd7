package dev.sluice.conformance.l4;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw TCP server on 127.0.0.1 and an ephemeral port, written with blocking {@code java.net}
 * sockets: each accepted connection is served by a {@link Session} on its own thread. It counts
 * connections accepted and sessions ended, and keeps what sessions threw, so that a test can wait
 * for the proxy to have closed the upstream side and can see a backend's own failure.
 */
final class TcpBackend implements AutoCloseable {
  /** Reads from a session socket give up after this long, so that no backend thread outlives a test by much. */
  private static final int READ_TIMEOUT_MILLIS = 30_000;

  /** What the backend does with one accepted connection; the socket is closed after it returns. */
  @FunctionalInterface
  interface Session {
    void serve(Socket socket) throws Exception;
  }

  private final String name;
  private final ServerSocket server;
  private final Session session;
  private final ExecutorService threads;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger ended = new AtomicInteger();
  private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

  private TcpBackend(String name, ServerSocket server, Session session) {
    this.name = name;
    this.server = server;
    this.session = session;
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "tcp-backend-" + name);
      t.setDaemon(true);
      return t;
    });
    threads.execute(this::acceptLoop);
  }

  static TcpBackend start(String name, Session session) {
    return start(name, 0, session);
  }

  /**
   * As {@link #start(String, Session)}, with every accepted socket's receive buffer fixed at
   * {@code receiveBufferBytes} (0 leaves the kernel's autotuning on). Linux grows a receive buffer
   * up to net.ipv4.tcp_rmem's maximum (tens of MB) otherwise, which would hide a proxy's own
   * buffering behind the kernel's.
   */
  static TcpBackend start(String name, int receiveBufferBytes, Session session) {
    try {
      ServerSocket server = new ServerSocket();
      if (receiveBufferBytes > 0) {
        // Set before bind so that accepted sockets inherit it from the SYN on (window scaling).
        server.setReceiveBufferSize(receiveBufferBytes);
      }
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
      return new TcpBackend(name, server, session);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String name() {
    return name;
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.get();
  }

  /** Sessions that have returned or thrown (their sockets are closed). */
  int ended() {
    return ended.get();
  }

  /** What sessions threw, oldest first; a reset or EOF the test caused on purpose shows up here too. */
  List<Throwable> failures() {
    return new ArrayList<>(failures);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      open.add(socket);
      threads.execute(() -> serve(socket));
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      session.serve(socket);
    } catch (Throwable t) {
      failures.add(t);
    } finally {
      open.remove(socket);
      ended.incrementAndGet();
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "TcpBackend{" + name + " on 127.0.0.1:" + port() + "}";
  }
}
