package dev.sluice.xds.transport;

import java.util.Map;
import java.util.Optional;

/**
 * One ADS stream. Each resource type is a separate sub-stream with its own version and nonce
 * (xds_protocol, "Aggregated Discovery Service"). Not thread-safe: called from the client's
 * executor only.
 */
public interface AdsStream {
  /**
   * The first request for {@code typeUrl} on this stream: the full subscription, plus what the
   * client already holds so the server can skip it — the last accepted {@code acceptedVersion} in
   * state of the world, the per-resource {@code heldVersions} ({@code initial_resource_versions})
   * when incremental.
   */
  void start(String typeUrl, Subscription subscription, String acceptedVersion, Map<String, String> heldVersions);

  /**
   * Answers the response with {@code nonce}: an ACK carrying {@code versionInfo}, or, when
   * {@code error} is present, a NACK carrying the last accepted version and the error as
   * {@code error_detail}.
   */
  void reply(String typeUrl, String versionInfo, String nonce, Subscription subscription, Optional<String> error);

  /**
   * Tells the server the subscription changed. State of the world repeats the full list with the
   * last accepted version and the type's latest nonce (a server ignores requests with a stale
   * one); incremental sends only what changed, with no nonce, as a spontaneous request.
   */
  void updateSubscription(String typeUrl, Subscription subscription, String acceptedVersion, String latestNonce);

  /** Cancels the stream; no listener call follows. */
  void close();
}
