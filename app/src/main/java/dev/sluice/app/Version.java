package dev.sluice.app;

/** The build's version, from the jar manifest when packaged. */
final class Version {
  private Version() {}

  static String text() {
    String v = Version.class.getPackage().getImplementationVersion();
    return "sluice/" + (v == null ? "dev" : v);
  }
}
