package dev.sluice.xds;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --config-cache} directory: each accepted configuration as one numbered file,
 * {@code xds-config-<n>.pb}, of which the newest few are kept.
 *
 * <p>A file is a header followed by one incremental-xDS response per type, each resource with its
 * name and version — the very messages the protocol carries, so reading one back goes through the
 * same decoders as a live response. Files are written to a temporary name, flushed to disk and
 * renamed, so a crash leaves either the old file or the new one, never half of one.
 */
final class ConfigCacheStore {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigCacheStore.class);
  private static final String HEADER_TYPE = "sluice.dev/xds-config-cache/v1";
  private static final String PREFIX = "xds-config-";
  private static final String SUFFIX = ".pb";
  private static final int SEQUENCE_DIGITS = 20;

  private final Path dir;
  private final int keep;
  private long nextSequence;

  ConfigCacheStore(Path dir, int keep) {
    this.dir = dir;
    this.keep = Math.max(1, keep);
    this.nextSequence = files().stream().mapToLong(ConfigCacheStore::sequence).max().orElse(0) + 1;
  }

  Path dir() {
    return dir;
  }

  /** The newest file that reads back cleanly; older ones are tried when a newer one is damaged. */
  Optional<CachedConfig> loadLatest() {
    List<Path> files = files();
    for (int i = files.size() - 1; i >= 0; i--) {
      Path file = files.get(i);
      try {
        return Optional.of(read(file));
      } catch (IOException | RuntimeException e) {
        LOG.warn("config cache: skipping unreadable {}: {}", file, e.toString());
      }
    }
    return Optional.empty();
  }

  /** Writes a new file and prunes old ones; returns the file written. */
  Path save(String snapshotVersion, Map<ResourceKind, CachedConfig.CachedType> types) throws IOException {
    Files.createDirectories(dir);
    long sequence = nextSequence++;
    Path target = dir.resolve(PREFIX + String.format("%0" + SEQUENCE_DIGITS + "d", sequence) + SUFFIX);
    Path temp = dir.resolve("." + target.getFileName() + ".tmp");
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    // Listeners and clusters may carry inline private keys in their TLS contexts: owner-only.
    FileAttribute<?>[] ownerOnly = dir.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    Files.deleteIfExists(temp);
    try (FileChannel channel = FileChannel.open(temp, options, ownerOnly)) {
      OutputStream out = Channels.newOutputStream(channel);
      DeltaDiscoveryResponse.newBuilder().setTypeUrl(HEADER_TYPE).setSystemVersionInfo(snapshotVersion).build()
          .writeDelimitedTo(out);
      for (ResourceKind kind : ResourceKind.values()) {
        CachedConfig.CachedType t = types.get(kind);
        if (t == null) {
          continue;
        }
        DeltaDiscoveryResponse.Builder b = DeltaDiscoveryResponse.newBuilder()
            .setTypeUrl(kind.typeUrl)
            .setSystemVersionInfo(t.version());
        for (CachedConfig.CachedResource r : t.resources()) {
          b.addResources(Resource.newBuilder().setName(r.name()).setVersion(r.version()).setResource(r.resource()));
        }
        b.build().writeDelimitedTo(out);
      }
      out.flush();
      channel.force(true);
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    prune();
    return target;
  }

  private void prune() {
    List<Path> files = files();
    for (int i = 0; i < files.size() - keep; i++) {
      try {
        Files.deleteIfExists(files.get(i));
      } catch (IOException e) {
        LOG.warn("config cache: cannot delete {}: {}", files.get(i), e.toString());
      }
    }
  }

  private static CachedConfig read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      DeltaDiscoveryResponse header = DeltaDiscoveryResponse.parseDelimitedFrom(in);
      if (header == null || !header.getTypeUrl().equals(HEADER_TYPE)) {
        throw new IOException("not a Sluice xDS config cache file");
      }
      Map<ResourceKind, CachedConfig.CachedType> types = new EnumMap<>(ResourceKind.class);
      for (DeltaDiscoveryResponse r = DeltaDiscoveryResponse.parseDelimitedFrom(in); r != null;
          r = DeltaDiscoveryResponse.parseDelimitedFrom(in)) {
        Optional<ResourceKind> kind = ResourceKind.ofTypeUrl(r.getTypeUrl());
        if (kind.isEmpty()) {
          continue;
        }
        List<CachedConfig.CachedResource> resources = new ArrayList<>();
        for (Resource res : r.getResourcesList()) {
          resources.add(new CachedConfig.CachedResource(res.getName(), res.getVersion(), res.getResource()));
        }
        types.put(kind.get(), new CachedConfig.CachedType(r.getSystemVersionInfo(), resources));
      }
      return new CachedConfig(file, header.getSystemVersionInfo(), types);
    }
  }

  private List<Path> files() {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      for (Path p : stream) {
        if (sequence(p) >= 0) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      LOG.warn("config cache: cannot list {}: {}", dir, e.toString());
    }
    out.sort((a, b) -> Long.compare(sequence(a), sequence(b)));
    return out;
  }

  /** The file's sequence number, or -1 for any other file name. */
  private static long sequence(Path p) {
    String name = p.getFileName().toString();
    if (name.length() != PREFIX.length() + SEQUENCE_DIGITS + SUFFIX.length() || !name.startsWith(PREFIX)
        || !name.endsWith(SUFFIX)) {
      return -1;
    }
    String digits = name.substring(PREFIX.length(), PREFIX.length() + SEQUENCE_DIGITS);
    return digits.chars().allMatch(c -> c >= '0' && c <= '9') ? Long.parseLong(digits) : -1;
  }
}
