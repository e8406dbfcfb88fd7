package dev.sluice.conformance.support;

import dev.sluice.app.ServerOptions;
import dev.sluice.app.SluiceServer;
import dev.sluice.stats.StatsRegistry;
import dev.sluice.xds.bootstrap.BootstrapLoader;
import dev.sluice.xds.bootstrap.LoadedBootstrap;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The proxy running in-process from a templated Envoy bootstrap: one HTTP listener
 * ({@value #LISTENER}) on 127.0.0.1 and an ephemeral port, an admin listener likewise, STATIC
 * clusters pointing at {@link TestBackend}s or plain ports, and a route configuration the test
 * writes as YAML. The bootstrap goes through {@link BootstrapLoader} exactly as a file given to
 * {@code sluice run -c} does.
 *
 * <pre>{@code
 * ProxyFixture proxy = ProxyFixture.builder()
 *     .cluster("api", apiBackend)
 *     .routeConfig("""
 *         virtual_hosts:
 *         - name: all
 *           domains: ["*"]
 *           routes:
 *           - match: { prefix: / }
 *             route: { cluster: api }
 *         """)
 *     .start(tempDir);
 * }</pre>
 */
public final class ProxyFixture implements AutoCloseable {
  public static final String LISTENER = "main";
  public static final String DEFAULT_STAT_PREFIX = "ingress";

  private final SluiceServer server;
  private final String bootstrapYaml;
  private final String statPrefix;

  private ProxyFixture(SluiceServer server, String bootstrapYaml, String statPrefix) {
    this.server = server;
    this.bootstrapYaml = bootstrapYaml;
    this.statPrefix = statPrefix;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the proxy from a whole bootstrap written by the test (listeners named as the test
   * likes; {@link #address(String)} finds them). {@code statPrefix} is the one {@link #httpCounter}
   * uses.
   */
  public static ProxyFixture fromBootstrap(String yaml, Path dir, String statPrefix) {
    return Builder.start(yaml.stripIndent(), dir, 2, Duration.ofSeconds(1), statPrefix);
  }

  /** The bound address of the listener named {@code listener}. */
  public InetSocketAddress address(String listener) {
    return server.listenerAddress(listener);
  }

  public SluiceServer server() {
    return server;
  }

  /** The bootstrap YAML the proxy was started with, for failure messages. */
  public String bootstrapYaml() {
    return bootstrapYaml;
  }

  public InetSocketAddress address() {
    return server.listenerAddress(LISTENER);
  }

  public int port() {
    return address().getPort();
  }

  public InetSocketAddress adminAddress() {
    return server.adminAddress();
  }

  /** {@code http://127.0.0.1:<port><pathAndQuery>}. */
  public URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
  }

  /** The authority clients send by default: {@code 127.0.0.1:<port>}. */
  public String authority() {
    return "127.0.0.1:" + port();
  }

  public StatsRegistry stats() {
    return server.stats();
  }

  /** A counter by full name; 0 when it does not exist (yet). */
  public long counter(String name) {
    return server.stats().counterValues().getOrDefault(name, 0L);
  }

  /** A gauge by full name; 0 when it does not exist (yet). */
  public long gauge(String name) {
    return server.stats().gaugeValues().getOrDefault(name, 0L);
  }

  /** {@code http.<stat_prefix>.<name>}. */
  public long httpCounter(String name) {
    return counter(httpStat(name));
  }

  public String httpStat(String name) {
    return "http." + statPrefix + "." + name;
  }

  /** {@code cluster.<cluster>.<name>}. */
  public long clusterCounter(String cluster, String name) {
    return counter("cluster." + cluster + "." + name);
  }

  /** Waits until the named counter reaches at least {@code atLeast}. */
  public void awaitCounter(String name, long atLeast) {
    Await.until(name + " >= " + atLeast, Await.DEFAULT_TIMEOUT, () -> counter(name) >= atLeast,
        () -> "(is " + counter(name) + ")");
  }

  @Override
  public void close() {
    server.close();
  }

  /** Builds the bootstrap; every method returns this builder. */
  public static final class Builder {
    private final Map<String, String> clusters = new LinkedHashMap<>();
    private String routeConfig;
    private final List<String> hcmFields = new ArrayList<>();
    private String statPrefix = DEFAULT_STAT_PREFIX;
    private String codec = "AUTO";
    private int concurrency = 2;
    private Duration drainTime = Duration.ofSeconds(1);

    private Builder() {}

    /** A STATIC cluster with one endpoint per backend. */
    public Builder cluster(String name, TestBackend... backends) {
      int[] ports = new int[backends.length];
      for (int i = 0; i < backends.length; i++) {
        ports[i] = backends[i].port();
      }
      return clusterOnPorts(name, ports);
    }

    /** A STATIC cluster without endpoints: requests routed to it get 503 "no healthy upstream". */
    public Builder emptyCluster(String name) {
      return clusterOnPorts(name);
    }

    /** A STATIC cluster with one 127.0.0.1 endpoint per port (see {@link Ports#closed()}). */
    public Builder clusterOnPorts(String name, int... ports) {
      StringBuilder b = new StringBuilder();
      b.append("- name: ").append(name).append('\n');
      b.append("  type: STATIC\n");
      b.append("  connect_timeout: 1s\n");
      b.append("  load_assignment:\n");
      b.append("    cluster_name: ").append(name).append('\n');
      if (ports.length == 0) {
        b.append("    endpoints: []\n");
      } else {
        b.append("    endpoints:\n");
        b.append("    - lb_endpoints:\n");
        for (int port : ports) {
          b.append("      - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: ")
              .append(port).append(" } } }\n");
        }
      }
      clusters.put(name, b.toString());
      return this;
    }

    /** A cluster given whole, as one YAML list item ({@code - name: ...}). */
    public Builder clusterYaml(String name, String yamlListItem) {
      clusters.put(name, yamlListItem.stripIndent());
      return this;
    }

    /**
     * The HttpConnectionManager's {@code route_config} body (virtual_hosts, headers to add, ...);
     * {@code name: routes} is added unless the YAML names the route configuration itself.
     */
    public Builder routeConfig(String yaml) {
      String body = yaml.stripIndent();
      if (!body.startsWith("name:") && !body.contains("\nname:")) {
        body = "name: routes\n" + body;
      }
      routeConfig = body;
      return this;
    }

    /** An extra HttpConnectionManager field as YAML, e.g. {@code "generate_request_id: false"}. */
    public Builder hcm(String yaml) {
      hcmFields.add(yaml.stripIndent());
      return this;
    }

    public Builder statPrefix(String prefix) {
      statPrefix = prefix;
      return this;
    }

    /** AUTO (default), HTTP1 or HTTP2. */
    public Builder codec(String codecType) {
      codec = codecType;
      return this;
    }

    /** Worker event loops; 2 by default. */
    public Builder concurrency(int loops) {
      concurrency = loops;
      return this;
    }

    public Builder drainTime(Duration d) {
      drainTime = d;
      return this;
    }

    public String bootstrapYaml() {
      if (routeConfig == null) {
        throw new IllegalStateException("routeConfig is required");
      }
      StringBuilder y = new StringBuilder(1024);
      y.append("admin:\n");
      y.append("  address:\n");
      y.append("    socket_address: { address: 127.0.0.1, port_value: 0 }\n");
      y.append("static_resources:\n");
      y.append("  listeners:\n");
      y.append("  - name: ").append(LISTENER).append('\n');
      y.append("    address:\n");
      y.append("      socket_address: { address: 127.0.0.1, port_value: 0 }\n");
      y.append("    filter_chains:\n");
      y.append("    - filters:\n");
      y.append("      - name: envoy.filters.network.http_connection_manager\n");
      y.append("        typed_config:\n");
      y.append("          \"@type\": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3"
          + ".HttpConnectionManager\n");
      y.append("          stat_prefix: ").append(statPrefix).append('\n');
      y.append("          codec_type: ").append(codec).append('\n');
      for (String field : hcmFields) {
        y.append(indent(field, 10));
      }
      y.append("          route_config:\n");
      y.append(indent(routeConfig, 12));
      y.append("          http_filters:\n");
      y.append("          - name: envoy.filters.http.router\n");
      y.append("            typed_config:\n");
      y.append("              \"@type\": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router\n");
      if (clusters.isEmpty()) {
        y.append("  clusters: []\n");
      } else {
        y.append("  clusters:\n");
        for (String cluster : clusters.values()) {
          y.append(indent(cluster, 2));
        }
      }
      return y.toString();
    }

    /** Writes the bootstrap into {@code dir} and starts the proxy from it. */
    public ProxyFixture start(Path dir) {
      return start(bootstrapYaml(), dir, concurrency, drainTime, statPrefix);
    }

    private static ProxyFixture start(String yaml, Path dir, int concurrency, Duration drainTime, String statPrefix) {
      try {
        Path file = Files.createTempFile(dir, "bootstrap", ".yaml");
        Files.writeString(file, yaml);
        LoadedBootstrap loaded = BootstrapLoader.load(file);
        ServerOptions options = new ServerOptions(concurrency, drainTime, loaded.configDumpJson(), Map.of());
        return new ProxyFixture(SluiceServer.start(loaded.config(), options), yaml, statPrefix);
      } catch (IOException e) {
        throw new IllegalStateException("cannot write the bootstrap into " + dir, e);
      } catch (Exception e) {
        throw new IllegalStateException("the proxy did not start: " + e.getMessage() + "\n--- bootstrap ---\n" + yaml, e);
      }
    }

    private static String indent(String block, int spaces) {
      String pad = " ".repeat(spaces);
      StringBuilder out = new StringBuilder(block.length() + 64);
      for (String line : block.split("\n")) {
        if (!line.isBlank()) {
          out.append(pad).append(line);
        }
        out.append('\n');
      }
      return out.toString();
    }
  }
}
