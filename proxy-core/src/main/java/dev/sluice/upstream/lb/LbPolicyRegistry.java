package dev.sluice.upstream.lb;

import dev.sluice.config.ClusterConfig.LbPolicy;
import java.util.EnumMap;
import java.util.Map;

/** The load-balancing policies by configured name. */
public final class LbPolicyRegistry {
  private final Map<LbPolicy, LbPolicyProvider> providers = new EnumMap<>(LbPolicy.class);

  private LbPolicyRegistry() {}

  /** The built-in policies: weighted round robin, least request, weighted random. */
  public static LbPolicyRegistry builtIn() {
    LbPolicyRegistry registry = new LbPolicyRegistry();
    registry.providers.put(LbPolicy.ROUND_ROBIN, RoundRobinPicker::of);
    registry.providers.put(LbPolicy.LEAST_REQUEST, LeastRequestPicker::of);
    registry.providers.put(LbPolicy.RANDOM, RandomPicker::of);
    return registry;
  }

  public LbPolicyProvider provider(LbPolicy policy) {
    LbPolicyProvider provider = providers.get(policy);
    if (provider == null) {
      throw new IllegalArgumentException("no load-balancing policy " + policy);
    }
    return provider;
  }
}
