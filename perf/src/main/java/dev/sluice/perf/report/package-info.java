/**
 * The report writer of perf/compare.sh: raw per-run figures and HdrHistogram logs in, the
 * side-by-side table of perf/RESULTS.md out.
 */
package dev.sluice.perf.report;
