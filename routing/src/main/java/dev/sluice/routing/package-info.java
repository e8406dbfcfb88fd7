/**
 * Compiles a route configuration into an immutable {@link dev.sluice.routing.RouteTable} and looks
 * requests up in it with Envoy's semantics: a virtual host chosen by authority (exact domains, then
 * suffix wildcards longest first, then prefix wildcards longest first, then {@code *}), then the
 * first of its routes whose path, header and query parameter rules all match. A matched
 * {@link dev.sluice.routing.RouteEntry} carries everything the data plane needs without further
 * lookups: the weighted cluster choice, path and host rewrites, redirect and direct responses, and
 * precompiled header mutations. The module does no I/O and knows nothing of Netty: the data plane
 * adapts its requests to {@link dev.sluice.routing.RequestView} and its headers to
 * {@link dev.sluice.routing.MutableHeaders}. Compiled structures are shared by all event loops and
 * a lookup that hits a plain prefix, exact or header rule allocates nothing.
 */
package dev.sluice.routing;
