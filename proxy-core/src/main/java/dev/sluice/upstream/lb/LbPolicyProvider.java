package dev.sluice.upstream.lb;

import dev.sluice.upstream.UpstreamEndpoint;
import java.util.List;

/** Builds pickers for one load-balancing policy. */
public interface LbPolicyProvider {
  /** A picker over {@code endpoints}, which the caller never modifies afterwards. */
  Picker newPicker(List<UpstreamEndpoint> endpoints);
}
