package dev.sluice.routing;

/** What routing needs to know of a request; listeners adapt Netty requests to it. */
public interface RequestView {
  /** The method, e.g. "GET". */
  String method();

  /** Host / :authority as received, may contain ":port"; may be null. */
  String authority();

  /** The request target as received: path plus optional "?query". */
  String path();

  /** "http" or "https". */
  String scheme();

  /**
   * Value of the header with this lower-case name, several values joined by ","; null if absent.
   * Pseudo-headers ":method", ":authority", ":path", ":scheme" are answered from the fields above.
   */
  String header(String lowerCaseName);
}
