package dev.sluice.conformance.process;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * The upstream behind the proxy under test, on 127.0.0.1 and a free port. It streams in both
 * directions (the JDK server hands out the body as a stream and writes responses through without
 * buffering), so a transfer larger than the proxy's heap proves the proxy streams too.
 *
 * <ul>
 *   <li>{@code POST /upload}: answers {@code "<bytes> <crc32> <framing>"} of the request body, the
 *       framing being {@code chunked} or {@code content-length} as it arrived;
 *   <li>{@code GET /download?bytes=N[&chunked]}: N bytes of {@link Payload}, with a content-length
 *       or chunked;
 *   <li>{@code GET /hold}: counts the arrival, then answers 200 only once {@link #release()} is
 *       called, which keeps a request in flight for as long as a test needs;
 *   <li>anything else: 200 {@code "ok"}.
 * </ul>
 */
final class Backend implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicInteger held = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);

  private Backend(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static Backend start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "process-test-backend");
      t.setDaemon(true);
      return t;
    });
    Backend backend = new Backend(server, executor);
    server.createContext("/", backend::handle);
    server.setExecutor(executor);
    server.start();
    return backend;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Requests that have reached {@code /hold} so far. */
  int heldRequests() {
    return held.get();
  }

  /** Lets every held request, present and future, complete. */
  void release() {
    release.countDown();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      switch (uri.getPath()) {
        case "/upload" -> upload(exchange);
        case "/download" -> download(exchange, uri.getQuery());
        case "/hold" -> hold(exchange);
        default -> {
          drain(exchange.getRequestBody());
          reply(exchange, 200, "ok");
        }
      }
    }
  }

  private static void upload(HttpExchange exchange) throws IOException {
    String te = exchange.getRequestHeaders().getFirst("transfer-encoding");
    String framing = te != null && te.toLowerCase(Locale.ROOT).contains("chunked") ? "chunked"
        : exchange.getRequestHeaders().containsKey("content-length") ? "content-length" : "none";
    CRC32 crc = new CRC32();
    long bytes = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = exchange.getRequestBody()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        crc.update(buf, 0, n);
        bytes += n;
      }
    }
    reply(exchange, 200, bytes + " " + crc.getValue() + " " + framing);
  }

  private static void download(HttpExchange exchange, String query) throws IOException {
    drain(exchange.getRequestBody());
    long size = 0;
    boolean chunked = false;
    for (String param : (query == null ? "" : query).split("&")) {
      if (param.startsWith("bytes=")) {
        size = Long.parseLong(param.substring("bytes=".length()));
      } else if (param.equals("chunked")) {
        chunked = true;
      }
    }
    exchange.getResponseHeaders().set("content-type", "application/octet-stream");
    // The JDK server sends chunked for a length of 0, no body for -1, a content-length otherwise.
    exchange.sendResponseHeaders(200, chunked ? 0 : size == 0 ? -1 : size);
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Payload.stream(size); OutputStream out = exchange.getResponseBody()) {
      int n;
      while ((n = in.read(buf, 0, buf.length)) > 0) {
        out.write(buf, 0, n);
      }
    }
  }

  private void hold(HttpExchange exchange) throws IOException {
    drain(exchange.getRequestBody());
    held.incrementAndGet();
    try {
      // Bounded so that a test that forgets to release cannot leak a thread forever.
      if (!release.await(60, TimeUnit.SECONDS)) {
        reply(exchange, 500, "never released");
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    reply(exchange, 200, "released");
  }

  private static void drain(InputStream body) throws IOException {
    try (body) {
      body.transferTo(OutputStream.nullOutputStream());
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", "text/plain");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    executor.shutdownNow();
  }
}
