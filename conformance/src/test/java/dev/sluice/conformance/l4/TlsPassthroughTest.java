package dev.sluice.conformance.l4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.conformance.support.Await;
import dev.sluice.conformance.support.ProxyFixture;
import dev.sluice.tls.TestPki;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS passed through undecrypted: the listener filter {@code envoy.filters.listener.tls_inspector}
 * reads SNI and ALPN from the ClientHello, {@code filter_chain_match} picks a chain by
 * {@code server_names} (exact before {@code *.} wildcard), {@code application_protocols} and
 * {@code transport_protocol}, and each chain's tcp_proxy relays the handshake to a backend that
 * holds the only key for its name. The bootstrap has no {@code transport_socket} and no key at all:
 * clients verify the backends' own certificates, issued by two unrelated CAs.
 *
 * <p>One listener, {@value #LISTENER}, serves every case; a plaintext chain
 * ({@code transport_protocol: raw_buffer}) shares it. No {@code default_filter_chain}: a
 * ClientHello no chain matches is closed and counted in {@code listener.<address>.no_filter_chain_match}.
 */
@Timeout(60)
final class TlsPassthroughTest {
  private static final String LISTENER = "passthrough";
  /**
   * Envoy's ListenerImpl scopes listener stats as {@code listener.<configured address>.}, with ':'
   * made '_': a listener configured with port_value 0 counts under {@code 127.0.0.1_0}.
   */
  private static final String NO_CHAIN_MATCH = "listener.127.0.0.1_0.no_filter_chain_match";

  @TempDir
  static Path dir;
  static EventLoopGroup group;
  static final Map<String, TestPki.Issued> CERTS = new HashMap<>();
  static final List<AutoCloseable> TO_CLOSE = new ArrayList<>();
  static TrustManagerFactory trust;
  static ProxyFixture proxy;

  @BeforeAll
  static void start() throws Exception {
    TestPki.Issued caOne = TestPki.ca("passthrough-ca-one");
    TestPki.Issued caTwo = TestPki.ca("passthrough-ca-two");
    CERTS.put("a", TestPki.leaf(caOne, "a.example.test", List.of(), List.of("a.example.test")));
    CERTS.put("b", TestPki.leaf(caTwo, "b.example.test", List.of(), List.of("b.example.test")));
    CERTS.put("wild", TestPki.leaf(caOne, "wild.test", List.of(), List.of("*.wild.test", "*.x.wild.test")));
    CERTS.put("exact", TestPki.leaf(caTwo, "exact.wild.test", List.of(), List.of("exact.wild.test")));
    CERTS.put("h2", TestPki.leaf(caOne, "alpn.example.test", List.of(), List.of("alpn.example.test")));
    CERTS.put("h1", TestPki.leaf(caTwo, "alpn.example.test", List.of(), List.of("alpn.example.test")));
    trust = trusting(caOne, caTwo);

    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String name : List.of("a", "b", "wild", "exact")) {
      ports.put(name, TlsBackend.start(name, CERTS.get(name)).port());
    }
    ports.put("h2", TlsBackend.start("h2", CERTS.get("h2"), "h2").port());
    ports.put("h1", TlsBackend.start("h1", CERTS.get("h1"), "http/1.1").port());
    TcpBackend plain = TcpBackend.start("plain", s -> {
      String line = Streams.readLine(s.getInputStream());
      Streams.writeText(s.getOutputStream(), "backend=plain got=" + line + "\n");
    });
    TO_CLOSE.add(plain);
    ports.put("plain", plain.port());

    String yaml = L4Yaml.ADMIN
        + "static_resources:\n"
        + "  listeners:\n"
        + "  - name: " + LISTENER + "\n"
        + "    address: { socket_address: { address: 127.0.0.1, port_value: 0 } }\n"
        + "    listener_filters:\n"
        + "    - { name: envoy.filters.listener.tls_inspector, typed_config: { \"@type\": "
        + L4Yaml.TLS_INSPECTOR_TYPE + " } }\n"
        + "    filter_chains:\n"
        + chain("a", "server_names: [a.example.test]")
        + chain("b", "server_names: [b.example.test]")
        + chain("wild", "server_names: [\"*.wild.test\"]")
        + chain("exact", "server_names: [exact.wild.test]")
        + chain("h2", "server_names: [alpn.example.test], application_protocols: [h2]")
        + chain("h1", "server_names: [alpn.example.test], application_protocols: [http/1.1]")
        + chain("plain", "transport_protocol: raw_buffer")
        + "  clusters:\n"
        + ports.entrySet().stream().map(e -> "  " + L4Yaml.cluster(e.getKey(), e.getValue()) + "\n")
            .collect(Collectors.joining());
    proxy = ProxyFixture.fromBootstrap(yaml, dir, "unused");
  }

  /** A filter chain named after its cluster and stat prefix, with no transport_socket. */
  private static String chain(String name, String match) {
    return "    - name: " + name + "\n"
        + "      filter_chain_match: { " + match + " }\n"
        + "      filters:\n"
        + "      " + L4Yaml.tcpProxy(name, name) + "\n";
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    for (AutoCloseable c : TO_CLOSE) {
      c.close();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void eachServerNameReachesItsOwnBackendWhoseCertificateTheClientSees() throws Exception {
    assertThat(proxy.bootstrapYaml()).as("the proxy is given no key and terminates no TLS")
        .doesNotContain("private_key").doesNotContain("PRIVATE KEY").doesNotContain("transport_socket");

    for (String name : List.of("a", "b")) {
      String sni = name + ".example.test";
      Answer answer = exchange(listenerAddress(), sni);
      assertThat(answer.serial()).as("certificate seen for %s", sni).isEqualTo(CERTS.get(name).serial());
      assertThat(answer.line()).isEqualTo("backend=" + name + " sni=" + sni + " alpn=- got=hello");
      proxy.awaitCounter("tcp." + name + ".downstream_cx_total", 1);
    }
  }

  static Stream<Arguments> serverNames() {
    return Stream.of(
        Arguments.of("x.wild.test", "wild"),
        // Envoy tries the name, then each parent wildcard: *.x.wild.test, then *.wild.test.
        Arguments.of("deep.x.wild.test", "wild"),
        Arguments.of("exact.wild.test", "exact"), // an exact name is more specific than a wildcard
        Arguments.of("A.Example.Test", "a")); // DNS names are case-insensitive
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("serverNames")
  void serverNamesMatchExactBeforeWildcard(String sni, String backend) throws Exception {
    Answer answer = exchange(listenerAddress(), sni);
    assertThat(answer.serial()).isEqualTo(CERTS.get(backend).serial());
    assertThat(answer.line()).startsWith("backend=" + backend + " ");
  }

  static Stream<Arguments> applicationProtocols() {
    return Stream.of(
        Arguments.of(List.of("h2"), "h2", "h2"),
        Arguments.of(List.of("http/1.1"), "h1", "http/1.1"),
        // Envoy takes the client's protocols in the client's order and uses the first one a chain
        // names (FilterChainManagerImpl::findFilterChainForApplicationProtocols).
        Arguments.of(List.of("http/1.1", "h2"), "h1", "http/1.1"),
        Arguments.of(List.of("acme/1", "h2"), "h2", "h2"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("applicationProtocols")
  void applicationProtocolsChooseTheChainAndReachTheBackendUnchanged(List<String> offered, String backend,
      String negotiated) throws Exception {
    Answer answer = exchange(listenerAddress(), "alpn.example.test", offered.toArray(String[]::new));
    assertThat(answer.serial()).isEqualTo(CERTS.get(backend).serial());
    assertThat(answer.line())
        .isEqualTo("backend=" + backend + " sni=alpn.example.test alpn=" + negotiated + " got=hello");
    assertThat(answer.negotiated()).as("ALPN as the client saw it, negotiated by the backend").isEqualTo(negotiated);
  }

  @Test
  void plaintextIsServedByTheRawBufferChainOfTheSameListener() throws Exception {
    long before = proxy.counter("tcp.plain.downstream_cx_total");
    try (Socket c = new Socket()) {
      c.setSoTimeout(10_000);
      c.connect(listenerAddress(), 5_000);
      // The client speaks first: the inspector needs the first bytes to tell TLS from plaintext.
      Streams.writeText(c.getOutputStream(), "hello\n");
      assertThat(Streams.readLine(c.getInputStream())).isEqualTo("backend=plain got=hello");
    }
    proxy.awaitCounter("tcp.plain.downstream_cx_total", before + 1);
  }

  @Test
  void theInspectorCountsWhatItFoundUnderEnvoysNames() throws Exception {
    List<String> names = List.of("tls_found", "tls_not_found", "sni_found", "sni_not_found", "alpn_found",
        "alpn_not_found");
    Map<String, Long> before = new LinkedHashMap<>();
    names.forEach(n -> before.put(n, proxy.counter("tls_inspector." + n)));

    exchange(listenerAddress(), "a.example.test", "h2"); // SNI and ALPN
    exchange(listenerAddress(), "b.example.test"); // SNI only
    plaintextIsServedByTheRawBufferChainOfTheSameListener();

    Map<String, Long> expected = Map.of("tls_found", 2L, "tls_not_found", 1L, "sni_found", 2L, "sni_not_found", 0L,
        "alpn_found", 1L, "alpn_not_found", 1L);
    Await.until("the tls_inspector counters move", Await.DEFAULT_TIMEOUT,
        () -> names.stream().allMatch(n -> proxy.counter("tls_inspector." + n) - before.get(n) == expected.get(n)),
        () -> names.stream().map(n -> n + " +" + (proxy.counter("tls_inspector." + n) - before.get(n)))
            .collect(Collectors.joining(", ", "(", ")")));
  }

  /**
   * Envoy's inspector (BoringSSL underneath) decides only once it has a TLS record header, 5
   * bytes; a client that sends less and waits is closed when listener_filters_timeout (15 s by
   * default) expires, and counted in {@code downstream_pre_cx_timeout}. No chain ever sees it.
   */
  @Test
  @Timeout(40)
  void aClientThatSendsTooLittleToInspectIsClosedAfterTheListenerFilterTimeout() throws Exception {
    String timeouts = "listener.127.0.0.1_0.downstream_pre_cx_timeout";
    long timeoutsBefore = proxy.counter(timeouts);
    long plainBefore = proxy.counter("tcp.plain.downstream_cx_total");
    try (Socket c = new Socket()) {
      c.setSoTimeout(25_000);
      c.connect(listenerAddress(), 5_000);
      Streams.writeText(c.getOutputStream(), "hi\n");
      long start = System.nanoTime();
      assertThat(Streams.awaitPeerClose(c)).as("how the connection ended").isIn("eof", "reset");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time until the close")
          .isGreaterThan(Duration.ofSeconds(14));
    }
    proxy.awaitCounter(timeouts, timeoutsBefore + 1);
    assertThat(proxy.counter("tcp.plain.downstream_cx_total")).isEqualTo(plainBefore);
  }

  static Stream<Arguments> unmatched() {
    return Stream.of(
        Arguments.of("c.other.test", List.of()),
        Arguments.of("wild.test", List.of()), // *.wild.test needs at least one more label
        Arguments.of("alpn.example.test", List.of("acme/1")), // its chains all need h2 or http/1.1
        Arguments.of(null, List.of())); // no SNI: only the raw_buffer chain has no server_names
  }

  @ParameterizedTest(name = "sni {0}, alpn {1}")
  @MethodSource("unmatched")
  void aClientHelloNoChainMatchesIsClosedAndCounted(String sni, List<String> alpn) throws Exception {
    long before = proxy.counter(NO_CHAIN_MATCH);
    String how = refused(sni, alpn.toArray(String[]::new));
    assertThat(how).as("the handshake fails because the proxy closes the connection").startsWith("closed");
    Await.until(NO_CHAIN_MATCH + " counts it", Await.DEFAULT_TIMEOUT, () -> proxy.counter(NO_CHAIN_MATCH) == before + 1,
        () -> "(" + NO_CHAIN_MATCH + " is " + proxy.counter(NO_CHAIN_MATCH) + ", was " + before
            + "; listener counters: " + listenerCounters() + ")");
  }

  @ParameterizedTest
  @EnumSource(FragmentingRelay.Mode.class)
  void aClientHelloInPiecesIsStillInspected(FragmentingRelay.Mode mode) throws Exception {
    try (FragmentingRelay relay = new FragmentingRelay(listenerAddress(), mode)) {
      Answer answer = exchange(relay.address(), "b.example.test", "h2");
      assertThat(relay.pieces()).as("pieces the ClientHello was sent in").isGreaterThan(1);
      assertThat(answer.serial()).isEqualTo(CERTS.get("b").serial());
      assertThat(answer.line()).isEqualTo("backend=b sni=b.example.test alpn=- got=hello");
    }
  }

  /** What a client saw: the peer's leaf serial, the ALPN protocol it negotiated, and the backend's answer line. */
  record Answer(BigInteger serial, String negotiated, String line) {}

  private static InetSocketAddress listenerAddress() {
    return proxy.address(LISTENER);
  }

  /** A TLS handshake to {@code address} with {@code sni} (none if null) and {@code alpn}, then one line each way. */
  private static Answer exchange(InetSocketAddress address, String sni, String... alpn) throws IOException {
    try (SSLSocket s = open(address, sni, alpn)) {
      s.startHandshake();
      X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
      String negotiated = s.getApplicationProtocol();
      Streams.writeText(s.getOutputStream(), "hello\n");
      String line = Streams.readLine(s.getInputStream());
      return new Answer(leaf.getSerialNumber(), negotiated == null || negotiated.isEmpty() ? "-" : negotiated, line);
    }
  }

  /**
   * How a handshake that should be refused ended: {@code "closed: <exception>"}; an assertion error
   * if it completed or if the connection was still open after the socket timeout.
   */
  private static String refused(String sni, String... alpn) throws IOException {
    try (SSLSocket s = open(listenerAddress(), sni, alpn)) {
      try {
        s.startHandshake();
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the proxy neither answered nor closed the connection within 10 s", e);
      } catch (IOException e) {
        return "closed: " + e;
      }
      throw new AssertionError("the handshake completed with " + s.getSession().getPeerCertificates()[0]);
    }
  }

  /**
   * A client socket from a fresh SSLContext: a cached session would be offered for resumption, and
   * the JDK then sends the cached session's server name even where this connection asks for none.
   */
  private static SSLSocket open(InetSocketAddress address, String sni, String... alpn) throws IOException {
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket();
    try {
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
      p.setApplicationProtocols(alpn);
      s.setSSLParameters(p);
      s.setSoTimeout(10_000);
      s.connect(address, 5_000);
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static TrustManagerFactory trusting(TestPki.Issued... cas) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    for (int i = 0; i < cas.length; i++) {
      store.setCertificateEntry("ca" + i, cas[i].certificate());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    return tmf;
  }

  private static Map<String, Long> listenerCounters() {
    return proxy.stats().counterValues().entrySet().stream().filter(e -> e.getKey().startsWith("listener."))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  /**
   * A TLS server (Netty) that answers one line with its name, the SNI it received and the ALPN
   * protocol it negotiated, then closes: what arrives there is the client's own ClientHello.
   */
  private static final class TlsBackend implements AutoCloseable {
    private final Channel server;

    private TlsBackend(Channel server) {
      this.server = server;
    }

    static TlsBackend start(String name, TestPki.Issued cert, String... alpn) throws IOException {
      SslContextBuilder builder = SslContextBuilder.forServer(cert.keyPair().getPrivate(), cert.certificate());
      if (alpn.length > 0) {
        builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
      }
      SslContext context = builder.build();
      Channel server = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new SniHandler(host -> context));
              ch.pipeline().addLast(new LineBasedFrameDecoder(1024));
              ch.pipeline().addLast(new StringDecoder(StandardCharsets.UTF_8));
              ch.pipeline().addLast(new StringEncoder(StandardCharsets.UTF_8));
              ch.pipeline().addLast(new AnswerHandler(name));
            }
          })
          .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
          .syncUninterruptibly()
          .channel();
      TlsBackend backend = new TlsBackend(server);
      TO_CLOSE.add(backend);
      return backend;
    }

    int port() {
      return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
      server.close().syncUninterruptibly();
    }
  }

  private static final class AnswerHandler extends SimpleChannelInboundHandler<String> {
    private final String name;
    private String sni = "-";

    AnswerHandler(String name) {
      this.name = name;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SniCompletionEvent sniEvent && sniEvent.hostname() != null) {
        sni = sniEvent.hostname();
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
      String alpn = ctx.pipeline().get(SslHandler.class).applicationProtocol();
      ctx.writeAndFlush("backend=" + name + " sni=" + sni + " alpn=" + (alpn == null ? "-" : alpn) + " got=" + line
          + "\n").addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /**
   * A one-connection TCP relay in front of the proxy that changes how the client's ClientHello
   * travels, not what it says: {@link Mode#BYTE_AT_A_TIME} forwards its first bytes one per write
   * with TCP_NODELAY, each in its own segment, so the inspector sees it in many small reads;
   * {@link Mode#TWO_RECORDS} splits the handshake message over two TLS records, which RFC 8446
   * section 5.1 allows and a backend's TLS stack reassembles.
   */
  static final class FragmentingRelay implements AutoCloseable {
    enum Mode {
      BYTE_AT_A_TIME,
      TWO_RECORDS
    }

    private static final int RECORD_HEADER = 5;
    private static final int BYTES_ONE_BY_ONE = 2048;

    private final ServerSocket server;
    private final Mode mode;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fragmenting-relay");
      t.setDaemon(true);
      return t;
    });
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong pieces = new AtomicLong();

    FragmentingRelay(InetSocketAddress target, Mode mode) throws IOException {
      this.mode = mode;
      server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      threads.execute(() -> {
        try {
          Socket down = server.accept();
          sockets.add(down);
          Socket up = new Socket();
          sockets.add(up);
          up.setTcpNoDelay(true);
          up.connect(target, 5_000);
          threads.execute(() -> relayClientToProxy(down, up));
          threads.execute(() -> copy(up, down));
        } catch (IOException e) {
          closeAll();
        }
      });
    }

    InetSocketAddress address() {
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    /** Writes (segments or records) the start of the client's stream was sent in. */
    long pieces() {
      return pieces.get();
    }

    private void relayClientToProxy(Socket down, Socket up) {
      try {
        InputStream in = down.getInputStream();
        OutputStream out = up.getOutputStream();
        if (mode == Mode.TWO_RECORDS) {
          byte[] header = in.readNBytes(RECORD_HEADER);
          int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
          byte[] body = in.readNBytes(length);
          int half = length / 2;
          out.write(record(header, body, 0, half));
          out.write(record(header, body, half, length - half));
          pieces.set(2);
        } else {
          for (int i = 0; i < BYTES_ONE_BY_ONE; i++) {
            int b = in.read();
            if (b < 0) {
              up.shutdownOutput();
              return;
            }
            out.write(b);
            pieces.incrementAndGet();
            if (in.available() == 0 && i > RECORD_HEADER) {
              break; // the client waits for the server's answer: the ClientHello is through
            }
          }
        }
        copy(down, up);
      } catch (IOException e) {
        closeAll();
      }
    }

    /** A TLS record with {@code header}'s content type and version around {@code body[from, from + n)}. */
    private static byte[] record(byte[] header, byte[] body, int from, int n) {
      byte[] r = new byte[RECORD_HEADER + n];
      System.arraycopy(header, 0, r, 0, 3);
      r[3] = (byte) (n >>> 8);
      r[4] = (byte) n;
      System.arraycopy(body, from, r, RECORD_HEADER, n);
      return r;
    }

    private void copy(Socket from, Socket to) {
      byte[] buf = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
        }
        to.shutdownOutput();
      } catch (IOException e) {
        closeAll();
      }
    }

    private void closeAll() {
      for (Socket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      closeAll();
      threads.shutdownNow();
    }
  }
}
