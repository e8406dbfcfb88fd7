/**
 * Compiled matchers for the parts of a request a route can test: the path (one small final class
 * per Envoy {@code path_specifier} behind the sealed {@link dev.sluice.routing.matcher.PathMatcher}),
 * string values ({@link dev.sluice.routing.matcher.StringMatcher}, Envoy's {@code StringMatcher}),
 * headers and query parameters. Matchers work on plain strings and know nothing of requests, so
 * they are immutable, shared across event loops, and allocate nothing unless a regular expression
 * or a query string has to be evaluated.
 */
package dev.sluice.routing.matcher;
