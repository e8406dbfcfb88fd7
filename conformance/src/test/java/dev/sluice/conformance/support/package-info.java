/**
 * Shared end-to-end test utilities: a streaming {@link dev.sluice.conformance.support.TestBackend},
 * a {@link dev.sluice.conformance.support.ProxyFixture} that runs the proxy in-process from a
 * templated bootstrap, and clients for HTTP/1.1 (JDK and raw sockets) and HTTP/2 (JDK h2c upgrade
 * and a Netty prior-knowledge client). Public and stable: other suites build on them.
 */
package dev.sluice.conformance.support;
