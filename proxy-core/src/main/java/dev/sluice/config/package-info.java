/**
 * The validated, immutable configuration model: listeners, route configurations, clusters and
 * endpoints. Records here validate in their compact constructors and hold only plain Java types,
 * so every module can read them without knowing where the configuration came from (a bootstrap
 * file, an ADS stream, a Gateway API translation).
 */
package dev.sluice.config;
