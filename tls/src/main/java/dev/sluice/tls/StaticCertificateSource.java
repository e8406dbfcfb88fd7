package dev.sluice.tls;

import java.util.Objects;

/** Material known once and for all (inline configuration), or the error that loading it gave. */
public final class StaticCertificateSource<T> implements CertificateSource<T> {
  private final LastValueBroadcaster<T> broadcaster;
  private final String name;

  private StaticCertificateSource(String name) {
    this.name = name;
    this.broadcaster = new LastValueBroadcaster<>(name);
  }

  public static <T> StaticCertificateSource<T> of(String name, T value) {
    StaticCertificateSource<T> source = new StaticCertificateSource<>(name);
    source.broadcaster.publish(Objects.requireNonNull(value, "value"));
    return source;
  }

  public static <T> StaticCertificateSource<T> failed(String name, String reason) {
    StaticCertificateSource<T> source = new StaticCertificateSource<>(name);
    source.broadcaster.publishError(reason);
    return source;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Subscription watch(CertificateWatcher<T> watcher) {
    broadcaster.add(watcher);
    return () -> broadcaster.remove(watcher);
  }
}
