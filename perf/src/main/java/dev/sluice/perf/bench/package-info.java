/**
 * JMH microbenchmarks of the request path: route-table lookup at 10, 1,000 and 10,000 routes,
 * header matching, load-balancer picks and the whole HTTP/1.1 exchange on an
 * {@link io.netty.channel.embedded.EmbeddedChannel}. Run them with JMH's gc profiler
 * ({@code -prof gc}) and read {@code gc.alloc.rate.norm} as bytes per operation; perf/README.md
 * has the commands and the last figures.
 */
package dev.sluice.perf.bench;
