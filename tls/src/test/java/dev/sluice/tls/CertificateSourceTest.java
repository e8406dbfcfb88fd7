package dev.sluice.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateSourceTest {
  @TempDir
  Path dir;

  /** Records what a watcher receives. */
  static final class Recorder<T> implements CertificateWatcher<T> {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onUpdate(T value) {
      events.add("value " + value);
    }

    @Override
    public void onError(String reason) {
      events.add("error " + reason);
    }
  }

  @Test
  void lateWatchersGetTheLastValueAndThenTheErrorThatFollowedIt() {
    SdsCertificateSource<String> source = new SdsCertificateSource<>("default");
    Recorder<String> early = new Recorder<>();
    source.watch(early);

    source.push("v1");
    source.push("v2");
    source.pushError("bad secret");
    Recorder<String> late = new Recorder<>();
    source.watch(late);

    assertThat(early.events).containsExactly("value v1", "value v2", "error bad secret");
    assertThat(late.events).containsExactly("value v2", "error bad secret");
    assertThat(source.name()).isEqualTo("sds secret 'default'");
  }

  @Test
  void aGoodValueClearsTheErrorForLaterWatchersAndClosedWatchesHearNothing() {
    SdsCertificateSource<String> source = new SdsCertificateSource<>("default");
    Recorder<String> leaving = new Recorder<>();
    CertificateSource.Subscription subscription = source.watch(leaving);
    source.pushError("bad");
    subscription.close();
    subscription.close();
    source.push("v3");
    Recorder<String> late = new Recorder<>();
    source.watch(late);

    assertThat(leaving.events).containsExactly("error bad");
    assertThat(late.events).containsExactly("value v3");
  }

  /** An executor whose one thread is parked, so scheduled polls never run and the test drives them. */
  private static ScheduledExecutorService parkedExecutor(CountDownLatch release) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    executor.execute(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    return executor;
  }

  @Test
  void filesArePolledOnlyWhileWatched() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScheduledExecutorService poller = parkedExecutor(release);
    try {
      Path file = Files.writeString(dir.resolve("ca.pem"), "one");
      FileWatcherCertificateSource<String> source = new FileWatcherCertificateSource<>("file " + file, List.of(file),
          contents -> new String(contents.get(file)), poller, Duration.ofMillis(20));
      CertificateSource.Subscription first = source.watch(new Recorder<>());
      CertificateSource.Subscription second = source.watch(new Recorder<>());
      assertThat(source.isPolling()).isTrue();

      first.close();
      assertThat(source.isPolling()).isTrue();
      second.close();
      assertThat(source.isPolling()).isFalse();
    } finally {
      poller.shutdownNow();
    }
  }

  @Test
  void aFileThatStaysBadIsReportedOnceAndRecoversWhenFixed() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScheduledExecutorService unused = parkedExecutor(release);
    try {
      Path file = Files.writeString(dir.resolve("cert.pem"), "good-1");
      FileWatcherCertificateSource<String> source = new FileWatcherCertificateSource<>("file " + file, List.of(file),
          contents -> {
            String text = new String(contents.get(file));
            if (text.startsWith("bad")) {
              throw new TlsMaterialException(file + " is bad");
            }
            return text;
          }, unused, Duration.ofMillis(10));
      Recorder<String> watcher = new Recorder<>();
      source.watch(watcher);
      source.poll(); // Polls are driven by hand; the scheduled ones wait behind the parked thread.

      Files.writeString(file, "bad");
      source.poll(); // First sight of a failing change: maybe mid-rotation, so not reported yet.
      source.poll(); // Same content fails again: reported.
      source.poll(); // Unchanged: nothing more.
      Files.writeString(file, "good-2");
      source.poll();

      assertThat(watcher.events).containsExactly("value good-1", "error " + file + " is bad", "value good-2");
    } finally {
      unused.shutdownNow();
    }
  }
}
