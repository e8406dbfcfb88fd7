/**
 * The xDS client: {@link dev.sluice.xds.XdsClient} keeps an ADS stream (state of the world or
 * incremental) to the management server of a bootstrap's {@code dynamic_resources}, follows the
 * xDS protocol (ACK and NACK, wildcard LDS and CDS, RDS, EDS and SDS subscriptions that follow
 * the references, warming, reconnect with backoff), and hands each complete, consistent
 * {@link dev.sluice.snapshot.ConfigSnapshot} to a {@link dev.sluice.xds.SnapshotWatcher}. It can
 * keep accepted configurations on disk and serve the last one when the server is away at start-up.
 * No protobuf type appears in this package's public API.
 */
package dev.sluice.xds;
