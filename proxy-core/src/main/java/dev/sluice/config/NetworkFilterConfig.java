package dev.sluice.config;

/** The terminal network filter of a filter chain. */
public sealed interface NetworkFilterConfig permits HttpConnectionManagerConfig, TcpProxyConfig {}
