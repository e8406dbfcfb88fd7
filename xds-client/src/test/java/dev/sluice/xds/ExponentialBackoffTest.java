package dev.sluice.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.common.RandomSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {
  @Test
  void delaysDoubleUpToTheCapWithJitterInTheUpperHalfAndResetAfterSuccess() {
    ExponentialBackoff b = new ExponentialBackoff(Duration.ofMillis(500), Duration.ofSeconds(30),
        RandomSource.seeded(42));
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      delays.add(b.nextDelayMillis());
    }
    long[] intervals = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000};
    for (int i = 0; i < intervals.length; i++) {
      assertThat(delays.get(i)).isBetween(intervals[i] / 2, intervals[i]);
    }
    b.reset();
    assertThat(b.nextDelayMillis()).isBetween(250L, 500L);
  }
}
