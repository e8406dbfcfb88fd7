package dev.sluice.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP backend for the quickstart: it answers every request with its own name and an echo
 * of what it received (method, path, headers, body size), so that routing decisions are visible
 * from a plain curl.
 */
public final class DemoBackend implements AutoCloseable {
  private final String name;
  private final HttpServer server;
  private final ExecutorService executor;

  private DemoBackend(String name, HttpServer server, ExecutorService executor) {
    this.name = name;
    this.server = server;
    this.executor = executor;
  }

  /** Starts a backend named {@code name} on {@code host}, port 0 for any free port. */
  public static DemoBackend start(String name, String host, int port) throws IOException {
    // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm
    // and the client's delayed ACK add about 40 ms to every keep-alive response.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 128);
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "demo-" + name);
      t.setDaemon(true);
      return t;
    });
    DemoBackend backend = new DemoBackend(name, server, executor);
    server.createContext("/", backend::handle);
    server.setExecutor(executor);
    server.start();
    return backend;
  }

  public String name() {
    return name;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    long bodyBytes = 0;
    try (InputStream in = exchange.getRequestBody()) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        bodyBytes += n;
      }
    }
    StringBuilder b = new StringBuilder();
    b.append("backend: ").append(name).append('\n');
    b.append("method: ").append(exchange.getRequestMethod()).append('\n');
    b.append("path: ").append(exchange.getRequestURI().toString()).append('\n');
    b.append("body-bytes: ").append(bodyBytes).append('\n');
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.putAll(exchange.getRequestHeaders());
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      for (String v : h.getValue()) {
        b.append("header: ").append(h.getKey().toLowerCase(java.util.Locale.ROOT)).append(": ").append(v).append('\n');
      }
    }
    byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", "text/plain; charset=utf-8");
    exchange.getResponseHeaders().set("x-backend", name);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(200, -1);
    } else {
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
