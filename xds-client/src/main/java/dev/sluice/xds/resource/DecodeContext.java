package dev.sluice.xds.resource;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Collects what decoding found: errors, warnings about fields that were set but are safely
 * ignored, notices about configuration that is valid but cannot do what it seems to ask, and the
 * cluster and secret references that must be checked once all clusters and secrets are known.
 *
 * <p>Decoders keep going after an error so that one pass reports every problem in a file or an
 * xDS response. Messages read {@code <origin>: <field.path>: <message>}, where the origin names
 * the source (a file, {@code --config-yaml}, or an xDS resource).
 *
 * <p>Not thread-safe: one context serves one decoding pass on one thread.
 */
public final class DecodeContext {
  private final String origin;
  private final boolean xdsResource;
  private final List<String> errors = new ArrayList<>();
  // A set: the same ignored field reached twice (e.g. through a merged overlay) is logged once.
  private final Set<String> warnings = new LinkedHashSet<>();
  private final Set<String> notices = new LinkedHashSet<>();
  private final List<ClusterReference> clusterReferences = new ArrayList<>();
  private final List<SecretReference> secretReferences = new ArrayList<>();

  /** A context for a bootstrap file, where every resource is static. */
  public DecodeContext(String origin) {
    this(origin, false);
  }

  private DecodeContext(String origin, boolean xdsResource) {
    this.origin = Objects.requireNonNull(origin, "origin");
    this.xdsResource = xdsResource;
  }

  /**
   * A context for one resource received from a management server, where a connection manager may
   * name its routes through {@code rds} and a cluster may take its endpoints from EDS.
   */
  public static DecodeContext forXdsResource(String origin) {
    return new DecodeContext(origin, true);
  }

  /** True when the resource being decoded came from a management server. */
  public boolean isXdsResource() {
    return xdsResource;
  }

  public String origin() {
    return origin;
  }

  /** Records an error at {@code path}. */
  public void error(String path, String message) {
    errors.add(format(path, message));
  }

  /** Records that a field at {@code path} was set but is ignored, with the reason it is safe to. */
  public void warn(String path, String message) {
    warnings.add(format(path, message));
  }

  /**
   * Records something accepted (as Envoy accepts it) that cannot work as written; unlike
   * {@link #warn}, which the ADS client logs at DEBUG on every update, it is worth a WARN log.
   */
  public void notice(String path, String message) {
    notices.add(format(path, message));
  }

  /** Records that a TLS context names a secret. */
  public void referenceSecret(SecretReference reference) {
    secretReferences.add(reference);
  }

  /** Records that the field at {@code path} (a route or a TCP proxy) names {@code cluster}. */
  public void referenceCluster(String path, String cluster) {
    clusterReferences.add(new ClusterReference(path, cluster));
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  /** The number of errors so far; a decoder compares it before and after its own work. */
  public int errorCount() {
    return errors.size();
  }

  public List<String> errors() {
    return List.copyOf(errors);
  }

  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  public List<String> notices() {
    return List.copyOf(notices);
  }

  public List<ClusterReference> clusterReferences() {
    return List.copyOf(clusterReferences);
  }

  public List<SecretReference> secretReferences() {
    return List.copyOf(secretReferences);
  }

  private String format(String path, String message) {
    return path.isEmpty() ? origin + ": " + message : origin + ": " + path + ": " + message;
  }
}
