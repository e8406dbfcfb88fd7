package dev.sluice.tls;

/**
 * Receives what a {@link CertificateSource} delivers. Calls for one source never overlap. An error
 * does not withdraw the last value: whoever holds it keeps using it (rotation keeps the last good
 * certificate when a new file is bad).
 */
public interface CertificateWatcher<T> {
  void onUpdate(T value);

  void onError(String reason);
}
