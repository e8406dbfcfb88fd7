/**
 * Load-balancing policies: a {@link dev.sluice.upstream.lb.LbPolicyProvider} per policy builds an
 * immutable {@link dev.sluice.upstream.lb.Picker} for each endpoint set, so a pick never sees a
 * half-applied update.
 */
package dev.sluice.upstream.lb;
