/**
 * Stats primitives: counters and gauges named as Envoy names them
 * ({@code http.<stat_prefix>.downstream_rq_total}, {@code cluster.<name>.upstream_cx_total}), kept
 * in one registry that the admin interface renders.
 */
package dev.sluice.stats;
