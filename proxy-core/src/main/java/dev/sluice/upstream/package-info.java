/**
 * Upstream clusters at run time: the {@link dev.sluice.upstream.ClusterManager} turns cluster
 * configuration into live {@link dev.sluice.upstream.UpstreamCluster}s whose endpoint sets and
 * pickers are swapped atomically, keeping the state of endpoints that survive an update.
 */
package dev.sluice.upstream;
