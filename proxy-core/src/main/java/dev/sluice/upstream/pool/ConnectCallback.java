package dev.sluice.upstream.pool;

/** The outcome of an asynchronous connect. */
public interface ConnectCallback {
  void onConnected(UpstreamConnection connection);

  void onConnectFailed(Throwable cause);
}
