/**
 * Performance tooling for Sluice, never shipped in the binary: JMH microbenchmarks
 * ({@code dev.sluice.perf.bench}), the open-loop HTTP/1.1 load generator with coordinated-omission
 * correction ({@code dev.sluice.perf.load}) and the report writer that turns the side-by-side
 * harness's raw figures into {@code perf/RESULTS.md} ({@code dev.sluice.perf.report}).
 */
package dev.sluice.perf;
