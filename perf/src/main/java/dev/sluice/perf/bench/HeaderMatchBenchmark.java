package dev.sluice.perf.bench;

import dev.sluice.config.HeaderMatchConfig;
import dev.sluice.config.SafeRegex;
import dev.sluice.config.StringMatch;
import dev.sluice.routing.matcher.HeaderMatcher;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One compiled {@link HeaderMatcher} per Envoy string-match kind against a realistic header value
 * that it matches ({@code matching}) and one that it does not ({@code different}, same length
 * class, differing late so that exact and prefix comparisons cannot stop at the first byte).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HeaderMatchBenchmark {
  public enum Kind { EXACT, EXACT_IGNORE_CASE, PREFIX, SUFFIX, CONTAINS, REGEX, PRESENT }

  private static final String VALUE = "bench-client/1.2.3 (linux; amd64)";
  private static final String OTHER = "bench-client/1.2.3 (linux; arm64)";

  @Param
  public Kind kind;

  private HeaderMatcher matcher;
  private String value;
  private String other;

  @Setup
  public void setUp() {
    HeaderMatchConfig config = switch (kind) {
      case EXACT -> HeaderMatchConfig.value("user-agent", new StringMatch.Exact(VALUE, false));
      case EXACT_IGNORE_CASE -> HeaderMatchConfig.value("user-agent",
          new StringMatch.Exact("BENCH-CLIENT/1.2.3 (LINUX; AMD64)", true));
      case PREFIX -> HeaderMatchConfig.value("user-agent", new StringMatch.Prefix("bench-client/1.2.3 (linux; am", false));
      case SUFFIX -> HeaderMatchConfig.value("user-agent", new StringMatch.Suffix("(linux; amd64)", false));
      case CONTAINS -> HeaderMatchConfig.value("user-agent", new StringMatch.Contains("amd64", false));
      case REGEX -> HeaderMatchConfig.value("user-agent",
          new StringMatch.Regex(SafeRegex.compile("bench-client/[0-9]+\\.[0-9]+\\.[0-9]+ \\(linux; amd64\\)")));
      case PRESENT -> HeaderMatchConfig.present("user-agent", true);
    };
    matcher = new HeaderMatcher(config);
    // Fresh strings, so that no identity shortcut in String.equals applies.
    value = new String(VALUE.toCharArray());
    other = kind == Kind.PRESENT ? null : new String(OTHER.toCharArray());
    if (!matcher.matches(value) || matcher.matches(other)) {
      throw new IllegalStateException(kind + " does not discriminate its inputs");
    }
  }

  @Benchmark
  public boolean matching() {
    return matcher.matches(value);
  }

  @Benchmark
  public boolean different() {
    return matcher.matches(other);
  }
}
