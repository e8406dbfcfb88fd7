package dev.sluice.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCacheStoreTest {
  private static Map<ResourceKind, CachedConfig.CachedType> listeners(String version, String... names) {
    return Map.of(ResourceKind.LISTENER, new CachedConfig.CachedType(version, Stream.of(names)
        .map(n -> new CachedConfig.CachedResource(n, version, Any.pack(Listener.newBuilder().setName(n).build())))
        .toList()));
  }

  @Test
  void keepsTheNewestFilesAndReadsTheLatestBack(@TempDir Path dir) throws Exception {
    ConfigCacheStore store = new ConfigCacheStore(dir, 2);
    store.save("1", listeners("v1", "a"));
    store.save("2", listeners("v2", "a", "b"));
    Path third = store.save("3", listeners("v3", "c"));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
          "xds-config-00000000000000000002.pb", "xds-config-00000000000000000003.pb");
    }
    CachedConfig latest = new ConfigCacheStore(dir, 2).loadLatest().orElseThrow();
    assertThat(latest.file()).isEqualTo(third);
    assertThat(latest.snapshotVersion()).isEqualTo("3");
    assertThat(latest.types().get(ResourceKind.LISTENER).version()).isEqualTo("v3");
    assertThat(latest.types().get(ResourceKind.LISTENER).resources()).extracting(CachedConfig.CachedResource::name)
        .containsExactly("c");
  }

  @Test
  void aDamagedNewestFileFallsBackToTheOneBefore(@TempDir Path dir) throws Exception {
    ConfigCacheStore store = new ConfigCacheStore(dir, 5);
    store.save("1", listeners("v1", "a"));
    Path second = store.save("2", listeners("v2", "b"));
    Files.write(second, new byte[] {1, 2, 3, 4, 5});
    CachedConfig latest = new ConfigCacheStore(dir, 5).loadLatest().orElseThrow();
    assertThat(latest.snapshotVersion()).isEqualTo("1");
    // A new store continues the numbering instead of overwriting.
    Path next = new ConfigCacheStore(dir, 5).save("3", listeners("v3", "c"));
    assertThat(next.getFileName().toString()).isEqualTo("xds-config-00000000000000000003.pb");
    assertThat(List.of(dir.toFile().list())).doesNotContain(".xds-config-00000000000000000003.pb.tmp");
  }
}
