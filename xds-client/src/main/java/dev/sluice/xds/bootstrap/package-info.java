/**
 * Loads an Envoy v3 bootstrap file (YAML or JSON, as {@code envoy -c} and {@code --config-yaml}
 * accept it) into the proxy-core model. {@link dev.sluice.xds.bootstrap.BootstrapLoader} is the
 * entry point; it returns a {@link dev.sluice.xds.bootstrap.LoadedBootstrap} or throws one
 * {@link dev.sluice.xds.bootstrap.ConfigException} listing every problem found, each with the
 * field path (and, for syntax and schema errors, the line) where it occurs. No protobuf type
 * appears in this package's API.
 */
package dev.sluice.xds.bootstrap;
