/**
 * What a matched route does to the request target: path rewrites ({@code prefix_rewrite} and
 * {@code regex_rewrite} behind the sealed {@link dev.sluice.routing.action.PathRewriter}) and the
 * {@code Location} of a redirect, with Envoy's semantics. Everything here is compiled once from
 * the route configuration, works on plain strings, and is safe to share across event loops.
 */
package dev.sluice.routing.action;
