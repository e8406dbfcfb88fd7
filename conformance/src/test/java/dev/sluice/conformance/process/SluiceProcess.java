package dev.sluice.conformance.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The proxy as a child process: {@code java -jar sluice.jar ARGS}, with stdout and stderr sent
 * to files (a pipe nobody reads would block the child once full), the admin address learnt from
 * {@code --admin-address-path} and listener ports from the admin {@code /listeners} endpoint, so
 * that every port is chosen by the kernel.
 */
final class SluiceProcess implements AutoCloseable {
  /** Flags for runs that only start, fail and exit: the C1 compiler alone starts a JVM faster. */
  static final List<String> QUICK_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  /** Both guarded by the class lock. */
  private static Path stagedJar;
  private static String stagingFailure;

  /** A finished run. */
  record Result(int exitCode, String stdout, String stderr) {}

  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final Path adminAddressFile;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private String adminAuthority;

  private SluiceProcess(Process process, Path stdout, Path stderr, Path adminAddressFile) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.adminAddressFile = adminAddressFile;
  }

  /**
   * A private copy of the shaded jar, taken once per test run from the {@code sluice.jar} system
   * property (set by conformance/pom.xml) or the reactor path. Another build in the same tree
   * rewrites app/target/sluice.jar in place, first without its Main-Class and then shaded; the
   * copy keeps every test of a run on one complete jar.
   */
  static synchronized Path jar() {
    if (stagedJar == null) {
      if (stagingFailure != null) {
        throw new IllegalStateException(stagingFailure);
      }
      String configured = System.getProperty("sluice.jar");
      Path source = (configured != null ? Path.of(configured) : Path.of("..", "app", "target", "sluice.jar"))
          .toAbsolutePath().normalize();
      try {
        stagedJar = stage(source);
      } catch (RuntimeException | AssertionError e) {
        stagingFailure = "no runnable proxy jar at " + source + " (build it: mvn -B -q -o install -DskipTests): "
            + e.getMessage();
        throw new IllegalStateException(stagingFailure, e);
      }
    }
    return stagedJar;
  }

  private static Path stage(Path source) {
    try {
      Path copy = Files.createTempFile("sluice-under-test-", ".jar");
      copy.toFile().deleteOnExit();
      // Waits out a rebuild in progress, which may also have removed the jar for a moment.
      Await.until("a complete shaded jar can be copied", Duration.ofSeconds(60), () -> {
        try {
          Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
          return false;
        }
        return isRunnableJar(copy);
      });
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Readable to its central directory (written last) and naming a Main-Class. */
  private static boolean isRunnableJar(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      Manifest manifest = file.getManifest();
      return manifest != null && manifest.getMainAttributes().getValue("Main-Class") != null;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs the jar to completion and returns what it printed; fails if it is still running after {@code timeout}. */
  static Result run(Path dir, Duration timeout, String... args) {
    try (SluiceProcess p = launch(dir, QUICK_JVM, List.of(args), null)) {
      int code = p.awaitExit(timeout);
      return new Result(code, p.stdout(), p.stderr());
    }
  }

  /**
   * Starts the proxy with {@code args} plus {@code --admin-address-path} and returns once the
   * admin interface answers; fails with the child's stderr if it exits first.
   */
  static SluiceProcess start(Path dir, List<String> jvmFlags, String... args) {
    Path adminFile = dir.resolve("admin.address");
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--admin-address-path");
    all.add(adminFile.toString());
    SluiceProcess p = launch(dir, jvmFlags, all, adminFile);
    try {
      p.awaitAdmin();
      return p;
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
  }

  private static SluiceProcess launch(Path dir, List<String> jvmFlags, List<String> args, Path adminFile) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (Runtime.version().feature() >= 24) {
      // As ./sluice does: JDK 24+ warns on stderr about sun.misc.Unsafe memory access, which
      // protobuf and Netty use.
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(jvmFlags);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(args);
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    try {
      return new SluiceProcess(pb.start(), out, err, adminFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  private void awaitAdmin() {
    try {
      Await.until("the admin address is written and the admin interface answers", START_TIMEOUT, () -> {
        if (!process.isAlive()) {
          throw new AssertionError("sluice exited with " + process.exitValue() + " before its admin interface was up");
        }
        String address = readOrNull(adminAddressFile);
        if (address == null || !address.strip().matches("[0-9.]+:[0-9]+|\\[[0-9a-fA-F:]+]:[0-9]+")) {
          return false;
        }
        adminAuthority = address.strip();
        try {
          return admin("GET", "/server_info").statusCode() == 200;
        } catch (UncheckedIOException e) {
          return false; // the file may have been read half-written; read it again
        }
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; stderr:\n" + stderr(), e);
    }
  }

  /** An admin request; the body is the empty string for POSTs. */
  HttpResponse<String> admin(String method, String pathAndQuery) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + adminAuthority + pathAndQuery))
        .timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("admin " + method + " " + pathAndQuery, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** GET on the admin interface, asserting a 200. */
  String adminGet(String pathAndQuery) {
    HttpResponse<String> r = admin("GET", pathAndQuery);
    assertThat(r.statusCode()).as("GET %s: %s", pathAndQuery, r.body()).isEqualTo(200);
    return r.body();
  }

  /**
   * The port the named listener is bound to, from {@code GET /listeners?format=json}; waits for it,
   * because the admin interface answers before the listeners are bound.
   */
  int listenerPort(String name) {
    int[] port = {0};
    Await.until("listener " + name + " is listed with its bound port", START_TIMEOUT, () -> {
      Map<String, Object> root = Json.object(Json.parse(adminGet("/listeners?format=json")));
      for (Object status : Json.array(root.get("listener_statuses"))) {
        Map<String, Object> s = Json.object(status);
        if (name.equals(s.get("name"))) {
          Map<String, Object> socket = Json.object(Json.object(s.get("local_address")).get("socket_address"));
          port[0] = ((Number) socket.get("port_value")).intValue();
        }
      }
      return port[0] != 0;
    });
    return port[0];
  }

  /** Whether a TCP connection to 127.0.0.1:{@code port} is refused (the listening socket is closed). */
  static boolean refusesConnections(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends SIGTERM (on Linux and macOS, {@link Process#destroy()} is SIGTERM). */
  void terminate() {
    process.destroy();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the process to exit and returns its exit code; fails if it is still running after {@code timeout}. */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("sluice still running after " + timeout + "; stderr:\n" + stderr());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String stdout() {
    String s = readOrNull(stdout);
    return s == null ? "" : s;
  }

  String stderr() {
    String s = readOrNull(stderr);
    return s == null ? "" : s;
  }

  private static String readOrNull(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGTERM, a bounded wait, then SIGKILL: a test never leaves a proxy behind. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
