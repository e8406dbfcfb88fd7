package dev.sluice.xds.transport;

import io.grpc.Status;

/** Receives what arrives on an {@link AdsStream}, on the executor of the stream's channel. */
public interface AdsStreamListener {
  void onResponse(AdsResponse response);

  /** The stream ended; {@code status} is OK when the server completed it. Called at most once. */
  void onClosed(Status status);
}
