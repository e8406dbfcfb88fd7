/**
 * The xDS update benchmark (issue 4, "Performance"): a real java-control-plane management server,
 * a {@link dev.sluice.app.SluiceServer} driven by a {@link dev.sluice.xds.XdsClient}, two Netty
 * backends and blocking HTTP/1.1 probes, all on 127.0.0.1 in one JVM. It times RDS, CDS and EDS
 * updates from {@code SimpleCache.setSnapshot} to the watcher, to {@code server.apply} returning
 * and to the first request that needs the update; it measures heap retained per route, cluster
 * and endpoint, and request latency while a large update is applied. {@link
 * dev.sluice.perf.xds.XdsBench} is the command line; {@code perf/xds-bench.sh} runs it and writes
 * {@code perf/RESULTS-xds.md}.
 */
package dev.sluice.perf.xds;
