package dev.sluice.config;

/** Which HTTP codec a connection manager speaks downstream; AUTO detects HTTP/2 by its preface. */
public enum CodecType {
  AUTO,
  HTTP1,
  HTTP2
}
