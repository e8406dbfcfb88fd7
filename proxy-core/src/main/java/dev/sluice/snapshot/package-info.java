/**
 * The published configuration: an immutable {@link dev.sluice.snapshot.ConfigSnapshot} swapped in
 * by one writer and read once per request or connection by the data plane.
 */
package dev.sluice.snapshot;
