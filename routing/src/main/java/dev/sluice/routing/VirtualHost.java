package dev.sluice.routing;

/** A compiled virtual host: its routes, tried in order. */
final class VirtualHost {
  private final String name;
  private final RouteEntry[] routes;

  VirtualHost(String name, RouteEntry[] routes) {
    this.name = name;
    this.routes = routes;
  }

  String name() {
    return name;
  }

  RouteEntry[] routes() {
    return routes;
  }

  @Override
  public String toString() {
    return "VirtualHost{" + name + ", " + routes.length + " routes}";
  }
}
