package dev.sluice.app;

/**
 * Sets up slf4j-simple from Envoy's log levels. It must run before the first logger is created,
 * because slf4j-simple reads its settings once.
 */
final class Logging {
  private Logging() {}

  static void configure(String envoyLevel) {
    String level = switch (envoyLevel) {
      case "warning", "warn" -> "warn";
      case "critical" -> "error";
      default -> envoyLevel; // trace, debug, info, error, off
    };
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
    System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
    // Netty logs the native transport probing at debug; keep it there unless asked for.
    if (!level.equals("trace") && !level.equals("debug")) {
      System.setProperty("org.slf4j.simpleLogger.log.io.netty", "warn");
    }
  }
}
