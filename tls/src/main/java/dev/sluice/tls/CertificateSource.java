package dev.sluice.tls;

/**
 * Something that delivers certificate material now and again later: inline configuration (once),
 * watched files (on change) or SDS (on push). A watcher added late is given the last value at once
 * (and then the last error, if one came after it), so it never waits for the next change.
 */
public interface CertificateSource<T> {

  /** What this source reads, for messages: {@code file /etc/certs/cert.pem} or {@code sds secret 'default'}. */
  String name();

  /** Starts delivering to {@code watcher}, replaying the last value first. */
  Subscription watch(CertificateWatcher<T> watcher);

  /** A running watch. Closing it is idempotent. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }
}
