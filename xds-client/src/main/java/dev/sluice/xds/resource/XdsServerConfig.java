package dev.sluice.xds.resource;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The management server of a bootstrap's {@code dynamic_resources}: how to reach it over gRPC,
 * which ADS variant to speak, which resource types to fetch, and Envoy's timing defaults.
 *
 * @param apiType state of the world ({@code GRPC}) or incremental ({@code DELTA_GRPC}) ADS
 * @param target a gRPC target URI, e.g. {@code dns:///xds.example:18000}
 * @param authority the {@code :authority} to send, or empty for the one derived from the target
 * @param initialMetadata headers sent when each stream opens ({@code GrpcService.initial_metadata})
 * @param ldsInitialFetchTimeout present when listeners come from LDS; how long start-up waits for
 *     the first LDS response ({@link Duration#ZERO}: no limit)
 * @param cdsInitialFetchTimeout the same for clusters and CDS
 * @param retryBaseInterval first reconnect delay before jitter (Envoy: 500 ms)
 * @param retryMaxInterval cap of the exponential reconnect delay (Envoy: 30 s)
 * @param setNodeOnFirstMessageOnly send the node only on the first request of a stream
 * @param maxReceiveMessageBytes the largest response accepted
 * @param description how the server was named in the bootstrap, for logs
 */
public record XdsServerConfig(
    ApiType apiType,
    String target,
    String authority,
    Map<String, String> initialMetadata,
    Optional<Duration> ldsInitialFetchTimeout,
    Optional<Duration> cdsInitialFetchTimeout,
    Duration retryBaseInterval,
    Duration retryMaxInterval,
    boolean setNodeOnFirstMessageOnly,
    int maxReceiveMessageBytes,
    String description) {

  public static final Duration DEFAULT_RETRY_BASE_INTERVAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_RETRY_MAX_INTERVAL = Duration.ofSeconds(30);
  /** Envoy sets no limit; 1 GiB keeps one response within what a Java array can hold. */
  public static final int DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 1 << 30;

  /** The two ADS variants of the xDS protocol. */
  public enum ApiType {
    /** State of the world: {@code StreamAggregatedResources}. */
    GRPC,
    /** Incremental: {@code DeltaAggregatedResources}. */
    DELTA_GRPC
  }

  public XdsServerConfig {
    Objects.requireNonNull(apiType, "apiType");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(authority, "authority");
    initialMetadata = Map.copyOf(initialMetadata);
    Objects.requireNonNull(ldsInitialFetchTimeout, "ldsInitialFetchTimeout");
    Objects.requireNonNull(cdsInitialFetchTimeout, "cdsInitialFetchTimeout");
    Objects.requireNonNull(retryBaseInterval, "retryBaseInterval");
    Objects.requireNonNull(retryMaxInterval, "retryMaxInterval");
    Objects.requireNonNull(description, "description");
    if (target.isEmpty()) {
      throw new IllegalArgumentException("target must not be empty");
    }
    if (retryBaseInterval.isNegative() || retryBaseInterval.isZero()
        || retryMaxInterval.compareTo(retryBaseInterval) < 0) {
      throw new IllegalArgumentException("retry intervals must satisfy 0 < base <= max: " + retryBaseInterval + ", "
          + retryMaxInterval);
    }
    if (maxReceiveMessageBytes < 1) {
      throw new IllegalArgumentException("maxReceiveMessageBytes must be positive");
    }
  }

  /** A server fetching LDS and CDS with Envoy's defaults (15 s initial fetch timeout, 0.5–30 s backoff). */
  public static XdsServerConfig of(ApiType apiType, String target) {
    Duration fetch = ConfigSourceDecoder.DEFAULT_INITIAL_FETCH_TIMEOUT;
    return new XdsServerConfig(apiType, target, "", Map.of(), Optional.of(fetch), Optional.of(fetch),
        DEFAULT_RETRY_BASE_INTERVAL, DEFAULT_RETRY_MAX_INTERVAL, false, DEFAULT_MAX_RECEIVE_MESSAGE_BYTES, target);
  }

  /** A copy with both initial fetch timeouts set to {@code timeout} (for LDS/CDS present here). */
  public XdsServerConfig withInitialFetchTimeout(Duration timeout) {
    return new XdsServerConfig(apiType, target, authority, initialMetadata, ldsInitialFetchTimeout.map(t -> timeout),
        cdsInitialFetchTimeout.map(t -> timeout), retryBaseInterval, retryMaxInterval, setNodeOnFirstMessageOnly,
        maxReceiveMessageBytes, description);
  }

  /** A copy with the given reconnect backoff. */
  public XdsServerConfig withRetry(Duration base, Duration max) {
    return new XdsServerConfig(apiType, target, authority, initialMetadata, ldsInitialFetchTimeout,
        cdsInitialFetchTimeout, base, max, setNodeOnFirstMessageOnly, maxReceiveMessageBytes, description);
  }
}
