package dev.sluice.tls;

import java.util.Objects;

/**
 * Material pushed from outside, by name: the xDS client (through the application's wiring) pushes
 * each SDS {@code Secret} it receives, parsed with {@link PemLoader}, or the reason it could not be
 * used. Until the first push, watchers wait, as Envoy's listeners wait for their secrets.
 */
public final class SdsCertificateSource<T> implements CertificateSource<T> {
  private final String secretName;
  private final LastValueBroadcaster<T> broadcaster;

  public SdsCertificateSource(String secretName) {
    this.secretName = Objects.requireNonNull(secretName, "secretName");
    this.broadcaster = new LastValueBroadcaster<>(name());
  }

  public String secretName() {
    return secretName;
  }

  @Override
  public String name() {
    return "sds secret '" + secretName + "'";
  }

  /** Delivers a new value to every watcher. */
  public void push(T value) {
    broadcaster.publish(Objects.requireNonNull(value, "value"));
  }

  /** Reports an unusable update; watchers keep the last value. */
  public void pushError(String reason) {
    broadcaster.publishError(Objects.requireNonNull(reason, "reason"));
  }

  /** True once a value has been pushed. */
  public boolean hasValue() {
    return broadcaster.value() != null;
  }

  @Override
  public Subscription watch(CertificateWatcher<T> watcher) {
    broadcaster.add(watcher);
    return () -> broadcaster.remove(watcher);
  }
}
