package dev.sluice.routing;

import dev.sluice.config.HeaderMutations;
import java.util.ArrayList;
import java.util.List;

/**
 * The header mutations that apply to one request or response, levels already combined in Envoy's
 * order. With {@code most_specific_header_mutations_wins} at its default (false) Envoy evaluates
 * the weighted cluster level first, then the route, the virtual host and finally the route
 * configuration, and a later level wins: a route configuration level overwrite beats a route level
 * one ({@code RouteEntryImplBase::finalizeRequestHeaders}, {@code WeightedClusterEntry}).
 * Immutable and shared; {@link #apply} allocates nothing for up to 64 conditional entries a level.
 */
public final class HeaderMutator {
  private static final HeaderMutator NONE = new HeaderMutator(new HeaderMutationLevel[0]);

  private final HeaderMutationLevel[] levels;

  private HeaderMutator(HeaderMutationLevel[] levels) {
    this.levels = levels;
  }

  public static HeaderMutator none() {
    return NONE;
  }

  /** Request mutations of {@code levels}, most specific first. */
  static HeaderMutator forRequests(List<HeaderMutations> levels) {
    List<HeaderMutationLevel> compiled = new ArrayList<>(levels.size());
    for (HeaderMutations level : levels) {
      addIfNotNull(compiled,
          HeaderMutationLevel.of(level.requestHeadersToAdd(), level.requestHeadersToRemove()));
    }
    return of(compiled);
  }

  /** Response mutations of {@code levels}, most specific first. */
  static HeaderMutator forResponses(List<HeaderMutations> levels) {
    List<HeaderMutationLevel> compiled = new ArrayList<>(levels.size());
    for (HeaderMutations level : levels) {
      addIfNotNull(compiled,
          HeaderMutationLevel.of(level.responseHeadersToAdd(), level.responseHeadersToRemove()));
    }
    return of(compiled);
  }

  private static void addIfNotNull(List<HeaderMutationLevel> levels, HeaderMutationLevel level) {
    if (level != null) {
      levels.add(level);
    }
  }

  private static HeaderMutator of(List<HeaderMutationLevel> levels) {
    return levels.isEmpty() ? NONE : new HeaderMutator(levels.toArray(new HeaderMutationLevel[0]));
  }

  public boolean isEmpty() {
    return levels.length == 0;
  }

  /** Applies every level in order; within a level removals come before additions. */
  public void apply(MutableHeaders headers) {
    for (HeaderMutationLevel level : levels) {
      level.apply(headers);
    }
  }
}
