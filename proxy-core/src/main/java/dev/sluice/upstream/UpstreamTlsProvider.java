package dev.sluice.upstream;

import dev.sluice.config.UpstreamTlsConfig;

/** Creates the {@link UpstreamTls} of a cluster whose configuration has a TLS transport socket. */
@FunctionalInterface
public interface UpstreamTlsProvider {

  /** For processes without upstream TLS support wired in: a TLS cluster is refused. */
  UpstreamTlsProvider UNSUPPORTED = (cluster, config) -> {
    throw new IllegalStateException("cluster '" + cluster + "' needs upstream TLS, which this process does not provide");
  };

  /** Called on the cluster manager's thread when a cluster is added or its TLS settings change. */
  UpstreamTls create(String clusterName, UpstreamTlsConfig config);
}
