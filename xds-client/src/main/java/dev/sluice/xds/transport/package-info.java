/**
 * The ADS stream over grpc-java, in its two variants: state of the world
 * ({@code StreamAggregatedResources}) and incremental ({@code DeltaAggregatedResources}). Both turn
 * responses into one protocol-neutral {@link dev.sluice.xds.transport.AdsResponse} and build the
 * requests each variant needs (subscriptions, ACK, NACK) from the same calls, so the client above
 * keeps a single state machine. Not API outside this module.
 */
package dev.sluice.xds.transport;
