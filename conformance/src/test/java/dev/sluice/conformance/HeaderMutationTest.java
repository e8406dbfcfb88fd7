package dev.sluice.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.conformance.support.EchoedRequest;
import dev.sluice.conformance.support.ProxyFixture;
import dev.sluice.conformance.support.RawHttpConnection;
import dev.sluice.conformance.support.RawResponse;
import dev.sluice.conformance.support.TestBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request and response header additions and removals at the route configuration, virtual host
 * and route levels, with each append action. With {@code most_specific_header_mutations_wins}
 * at its default, Envoy applies the route level first, then the virtual host, then the route
 * configuration, so appended values arrive in that order.
 */
final class HeaderMutationTest {
  @TempDir
  static Path dir;
  static TestBackend backend;
  static ProxyFixture proxy;
  RawHttpConnection client;

  @BeforeAll
  static void start() {
    backend = TestBackend.start("echo");
    proxy = ProxyFixture.builder()
        .cluster("echo", backend)
        .routeConfig("""
            request_headers_to_add:
            - header: { key: x-level, value: route-config }
            request_headers_to_remove: [x-remove-rc]
            response_headers_to_add:
            - header: { key: x-resp-level, value: route-config }
            response_headers_to_remove: [x-backend-secret]
            virtual_hosts:
            - name: all
              domains: ["*"]
              request_headers_to_add:
              - header: { key: x-level, value: vhost }
              request_headers_to_remove: [x-remove-vh]
              response_headers_to_add:
              - header: { key: x-resp-level, value: vhost }
              routes:
              - match: { prefix: /mut }
                route: { cluster: echo }
                request_headers_to_add:
                - header: { key: x-level, value: route }
                - header: { key: x-overwrite, value: route-value }
                  append_action: OVERWRITE_IF_EXISTS_OR_ADD
                - header: { key: x-if-absent, value: added }
                  append_action: ADD_IF_ABSENT
                - header: { key: x-if-exists, value: replaced }
                  append_action: OVERWRITE_IF_EXISTS
                - header: { key: x-legacy-append-false, value: proxy }
                  append: false
                request_headers_to_remove: [x-remove-route]
                response_headers_to_add:
                - header: { key: x-resp-level, value: route }
                - header: { key: x-from-backend, value: proxy }
                  append_action: OVERWRITE_IF_EXISTS_OR_ADD
                response_headers_to_remove: [x-drop-me]
              - match: { prefix: /direct }
                direct_response: { status: 200, body: { inline_string: direct } }
                response_headers_to_add:
                - header: { key: x-resp-level, value: route }
            """)
        .start(dir);
  }

  @AfterAll
  static void stop() {
    proxy.close();
    backend.close();
  }

  @BeforeEach
  void connect() {
    client = RawHttpConnection.open(proxy.address());
  }

  @AfterEach
  void disconnect() {
    client.close();
  }

  private EchoedRequest send(String target, String... headers) {
    RawResponse r = client.exchange("GET", target, headers);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.echo();
  }

  @Test
  void appendedValuesArriveRouteThenVirtualHostThenRouteConfiguration() {
    EchoedRequest plain = send("/mut");
    assertThat(plain.headerValues("x-level")).containsExactly("route", "vhost", "route-config");
    EchoedRequest withClientValue = send("/mut", "x-level: client");
    assertThat(withClientValue.headerValues("x-level")).containsExactly("client", "route", "vhost", "route-config");
  }

  @Test
  void removalsAtEveryLevel() {
    EchoedRequest e = send("/mut", "x-remove-rc: 1", "x-remove-vh: 2", "x-remove-route: 3", "x-keep: 4");
    assertThat(e.hasHeader("x-remove-rc")).isFalse();
    assertThat(e.hasHeader("x-remove-vh")).isFalse();
    assertThat(e.hasHeader("x-remove-route")).isFalse();
    assertThat(e.header("x-keep")).isEqualTo("4");
  }

  @Test
  void overwriteIfExistsOrAdd() {
    assertThat(send("/mut", "x-overwrite: client").headerValues("x-overwrite")).containsExactly("route-value");
    assertThat(send("/mut").headerValues("x-overwrite")).containsExactly("route-value");
    // The deprecated append: false means the same.
    assertThat(send("/mut", "x-legacy-append-false: client").headerValues("x-legacy-append-false"))
        .containsExactly("proxy");
  }

  @Test
  void addIfAbsent() {
    assertThat(send("/mut", "x-if-absent: client").headerValues("x-if-absent")).containsExactly("client");
    assertThat(send("/mut").headerValues("x-if-absent")).containsExactly("added");
  }

  @Test
  void overwriteIfExists() {
    assertThat(send("/mut", "x-if-exists: client").headerValues("x-if-exists")).containsExactly("replaced");
    assertThat(send("/mut").hasHeader("x-if-exists")).isFalse();
  }

  @Test
  void responseHeadersAreAddedRemovedAndOverwritten() {
    RawResponse r = client.exchange("GET",
        "/mut?set-header=x-drop-me:1&set-header=x-from-backend:backend&set-header=x-backend-secret:s"
            + "&set-header=x-resp-level:backend");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("x-drop-me")).as("removed at route level").isNull();
    assertThat(r.header("x-backend-secret")).as("removed at route configuration level").isNull();
    assertThat(r.headerValues("x-from-backend")).containsExactly("proxy");
    assertThat(r.headerValues("x-resp-level")).containsExactly("backend", "route", "vhost", "route-config");
    assertThat(r.header("x-backend")).isEqualTo("echo");
  }

  @Test
  void directResponsesGetResponseHeadersOfEveryLevel() {
    RawResponse r = client.exchange("GET", "/direct");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("direct");
    assertThat(r.headerValues("x-resp-level")).containsExactly("route", "vhost", "route-config");
  }
}
