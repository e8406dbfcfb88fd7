/**
 * Decoders from Envoy v3 protos into the validated {@code dev.sluice.config} model: the bootstrap
 * (including the ADS server of {@code dynamic_resources}, as {@link dev.sluice.xds.resource.XdsServerConfig},
 * and its static secrets), listeners with filter-chain matching and the TLS inspector, route
 * configurations, clusters, TLS transport sockets, the HTTP connection manager and the TCP proxy,
 * and the xDS-only resources — ClusterLoadAssignments for EDS and secrets for SDS. Decoding is validation: each
 * decoder takes one resource, a path prefix and a {@link dev.sluice.xds.resource.DecodeContext},
 * records every problem with the field path that caused it, and returns the model only when the
 * resource is clean. The bootstrap loader uses them for {@code static_resources}; the ADS client
 * uses the same code for LDS, RDS, CDS, EDS and SDS, where the recorded errors become the NACK
 * message. A context made with {@link dev.sluice.xds.resource.DecodeContext#forXdsResource}
 * additionally allows what only a management server can supply: {@code rds}, EDS clusters and
 * {@code sds_config: {self: {}}}.
 * These decoders are the only public classes of this module that take protobuf types.
 */
package dev.sluice.xds.resource;
