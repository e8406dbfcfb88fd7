package dev.sluice.routing;

/**
 * One cluster a forwarding route can pick, with the header mutations that apply when it is picked
 * (its own weighted cluster level, then route, virtual host and route configuration levels).
 * Precompiled per route and cluster, so picking one allocates nothing.
 */
public final class ClusterChoice {
  private final String clusterName;
  private final int weight;
  private final HeaderMutator requestMutator;
  private final HeaderMutator responseMutator;

  ClusterChoice(String clusterName, int weight, HeaderMutator requestMutator, HeaderMutator responseMutator) {
    this.clusterName = clusterName;
    this.weight = weight;
    this.requestMutator = requestMutator;
    this.responseMutator = responseMutator;
  }

  public String clusterName() {
    return clusterName;
  }

  /** The configured weight (1 for a lone cluster). */
  public int weight() {
    return weight;
  }

  public HeaderMutator requestMutator() {
    return requestMutator;
  }

  public HeaderMutator responseMutator() {
    return responseMutator;
  }

  @Override
  public String toString() {
    return clusterName + "(" + weight + ")";
  }
}
