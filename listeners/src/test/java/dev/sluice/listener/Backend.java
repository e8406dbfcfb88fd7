package dev.sluice.listener;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.tls.TestPki;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.TreeMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A blocking backend on 127.0.0.1 serving each accepted connection on its own daemon thread. */
final class Backend implements AutoCloseable {
  /** What the backend does with one connection; the socket is closed afterwards. */
  @FunctionalInterface
  interface Session {
    void serve(Socket socket) throws IOException;
  }

  private final ServerSocket server;

  private Backend(ServerSocket server, Session session) {
    this.server = server;
    Thread acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket socket = server.accept();
          Thread worker = new Thread(() -> {
            try (socket) {
              session.serve(socket);
            } catch (IOException e) {
              // the test sees the effect on its side
            }
          }, "backend-session");
          worker.setDaemon(true);
          worker.start();
        } catch (IOException e) {
          return;
        }
      }
    }, "backend-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static Backend plain(Session session) throws IOException {
    return new Backend(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), session);
  }

  /** A TLS backend presenting {@code certificate}. */
  static Backend tls(TestPki.Issued certificate, Session session) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("server", certificate.keyPair().getPrivate(), new char[0],
        new X509Certificate[] {certificate.certificate(), Fixtures.CA.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return new Backend(context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()),
        session);
  }

  int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  /** An HTTP/1.1 backend answering every request with its request headers, one "name: value" per line. */
  static final class HeaderEcho implements AutoCloseable {
    private final HttpServer server;

    HeaderEcho() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      server.createContext("/", exchange -> {
        Map<String, String> seen = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
            seen.put(name.toLowerCase(java.util.Locale.ROOT), String.join(",", values)));
        StringBuilder body = new StringBuilder();
        seen.forEach((name, value) -> body.append(name).append(": ").append(value).append('\n'));
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
