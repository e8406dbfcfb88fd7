package dev.sluice.perf.load;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What a load measured after its warm-up. {@code corrected} times each request from the moment
 * the schedule meant to send it (so a stall that delays later sends is charged to them, the wrk2
 * correction for coordinated omission); {@code uncorrected} from the moment it was actually
 * written. In closed-loop mode the two are the same. Latencies are in nanoseconds.
 *
 * @param completed responses received for requests scheduled inside the measured window
 * @param non2xx of those, responses whose status was not 2xx
 * @param errors requests lost to a closed connection or an unparsable response
 * @param unsent requests the schedule owed that were never sent because the connection was still
 *     waiting for an earlier response when the load ended; recorded in {@code corrected} with the
 *     time they had waited, a lower bound
 * @param timedOut requests still unanswered when the drain timeout expired; recorded likewise
 * @param reconnects connections the generator had to open again after the server closed one
 * @param sendLag for requests whose connection was free at their slot: write time minus slot, the
 *     generator's own scheduling error (not charged to the server)
 * @param timerSlackMinimized whether the event loop's timer slack could be set to 1 ns
 */
public record LoadResult(
    double targetRate,
    double measuredSeconds,
    long completed,
    long non2xx,
    long errors,
    long unsent,
    long timedOut,
    long reconnects,
    long sentTotal,
    Histogram corrected,
    Histogram uncorrected,
    Histogram sendLag,
    boolean timerSlackMinimized) {

  public double achievedRate() {
    return measuredSeconds > 0 ? completed / measuredSeconds : 0;
  }

  /** One line of {@code key=value} pairs, latencies in microseconds; the harness parses it. */
  public String summaryLine() {
    return String.format(Locale.ROOT,
        "target_rps=%.0f achieved_rps=%.1f completed=%d non2xx=%d errors=%d unsent=%d timed_out=%d"
            + " reconnects=%d sent_total=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f"
            + " mean_us=%.1f raw_p50_us=%.1f raw_p99_us=%.1f raw_p999_us=%.1f lag_p50_us=%.1f lag_p99_us=%.1f"
            + " timer_slack_1ns=%s",
        targetRate, achievedRate(), completed, non2xx, errors, unsent, timedOut, reconnects, sentTotal,
        us(corrected, 50), us(corrected, 90), us(corrected, 99), us(corrected, 99.9),
        corrected.getMaxValue() / 1000.0, corrected.getMean() / 1000.0,
        us(uncorrected, 50), us(uncorrected, 99), us(uncorrected, 99.9), us(sendLag, 50), us(sendLag, 99),
        timerSlackMinimized);
  }

  private static double us(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }
}
