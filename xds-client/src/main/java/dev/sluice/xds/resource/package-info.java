/**
 * Decoders from Envoy v3 resource protos (listeners, route configurations, clusters and the HTTP
 * connection manager) into the validated {@code dev.sluice.config} model. Decoding is validation:
 * each decoder takes one resource, a path prefix and a {@link dev.sluice.xds.resource.DecodeContext},
 * records every problem with the field path that caused it, and returns the model only when the
 * resource is clean. The bootstrap loader uses them for {@code static_resources}; the ADS client
 * uses the same code for LDS, RDS and CDS, where the recorded errors become the NACK message.
 * These decoders are the only public classes of this module that take protobuf types.
 */
package dev.sluice.xds.resource;
