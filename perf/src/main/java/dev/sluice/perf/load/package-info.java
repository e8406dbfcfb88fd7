/**
 * The harness's own HTTP/1.1 load generator on Netty with HdrHistogram: a fixed-rate open-loop
 * schedule that measures each request from its intended send time (correcting for coordinated
 * omission, as wrk2 does), a closed-loop mode for throughput, and an idle-connection holder for
 * memory per connection. {@link dev.sluice.perf.load.LoadMain} is the command line.
 */
package dev.sluice.perf.load;
