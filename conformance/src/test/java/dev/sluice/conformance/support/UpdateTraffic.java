package dev.sluice.conformance.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Traffic that runs while configuration changes: clients send requests back to back and record
 * what answered, and the test records when each configuration was applied and which backends it
 * allowed, so that every answer can be checked against the configurations live during it.
 */
public final class UpdateTraffic {
  /** A configuration applied between {@code fromNanos} and {@code toNanos}, allowing these backends. */
  public record Applied(long fromNanos, long toNanos, Set<String> allowed) {}

  /** One request: when it was sent and answered, its status (-1 on error) and the backend that answered. */
  public record Outcome(String client, long sentNanos, long doneNanos, int status, String backend, String error) {}

  private final List<Applied> history = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> clients = new CopyOnWriteArrayList<>();

  /** Records a configuration that became live; call in the order they were applied. */
  public void applied(long fromNanos, long toNanos, Set<String> allowed) {
    history.add(new Applied(fromNanos, toNanos, Set.copyOf(allowed)));
  }

  /** Starts a client sending GET requests to {@code port} back to back on keep-alive connections. */
  public void startClient(String name, HttpClient.Version version, int port) {
    Thread t = new Thread(() -> {
      HttpClient client = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
      URI uri = URI.create("http://127.0.0.1:" + port + "/traffic");
      while (running.get()) {
        long sent = System.nanoTime();
        try {
          HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
          outcomes.add(new Outcome(name, sent, System.nanoTime(), r.statusCode(),
              r.headers().firstValue("x-backend").orElse("?"), null));
        } catch (Exception e) {
          outcomes.add(new Outcome(name, sent, System.nanoTime(), -1, "?", e.toString()));
        }
      }
    }, "traffic-" + name);
    t.setDaemon(true);
    clients.add(t);
    t.start();
  }

  /** Stops the clients and waits for their last requests. */
  public List<Outcome> stop() throws InterruptedException {
    running.set(false);
    for (Thread t : clients) {
      t.join(Duration.ofSeconds(30).toMillis());
    }
    return List.copyOf(outcomes);
  }

  /** Backends that any configuration live at some instant of [sent, done] allowed. */
  public Set<String> allowedDuring(long sent, long done) {
    Set<String> allowed = new TreeSet<>();
    for (int i = 0; i < history.size(); i++) {
      long liveFrom = history.get(i).fromNanos();
      long liveTo = i + 1 < history.size() ? history.get(i + 1).toNanos() : Long.MAX_VALUE;
      if (liveFrom <= done && liveTo >= sent) {
        allowed.addAll(history.get(i).allowed());
      }
    }
    return allowed;
  }
}
