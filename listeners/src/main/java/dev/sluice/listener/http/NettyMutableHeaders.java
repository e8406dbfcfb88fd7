package dev.sluice.listener.http;

import dev.sluice.routing.MutableHeaders;
import io.netty.handler.codec.http.HttpHeaders;

/** Lets route header mutations edit Netty headers; one instance per stream handler. */
final class NettyMutableHeaders implements MutableHeaders {
  private HttpHeaders headers;

  NettyMutableHeaders wrap(HttpHeaders h) {
    this.headers = h;
    return this;
  }

  @Override
  public boolean contains(String name) {
    return headers.contains(name);
  }

  @Override
  public void add(String name, String value) {
    headers.add(name, value);
  }

  @Override
  public void set(String name, String value) {
    headers.set(name, value);
  }

  @Override
  public void remove(String name) {
    headers.remove(name);
  }
}
