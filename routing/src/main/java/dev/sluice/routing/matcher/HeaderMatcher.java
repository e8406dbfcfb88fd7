package dev.sluice.routing.matcher;

import dev.sluice.config.HeaderMatchConfig;

/**
 * A compiled Envoy {@code HeaderMatcher}, tested against the value of one header (all its values
 * joined by {@code ,}, as Envoy's {@code getAllOfHeaderAsString} does) or null when the header is
 * absent. The outcome follows Envoy's {@code HeaderUtility::matchHeaders}:
 *
 * <ul>
 *   <li>an absent header (unless {@code treat_missing_header_as_empty}) matches only a presence
 *       test that expects absence, or, inverted, one that expects presence; a value matcher never
 *       matches an absent header, inverted or not;
 *   <li>otherwise the value test (or the presence flag) is evaluated and {@code invert_match}
 *       negates it; {@code treat_missing_header_as_empty} evaluates it against "".
 * </ul>
 */
public final class HeaderMatcher {
  private final String name;
  private final StringMatcher valueMatcher;
  private final boolean present;
  private final boolean invert;
  private final boolean treatMissingAsEmpty;

  public HeaderMatcher(HeaderMatchConfig config) {
    this.name = Ascii.toLowerCase(config.name());
    this.valueMatcher = config.valueMatch() == null ? null : StringMatcher.of(config.valueMatch());
    this.present = config.present();
    this.invert = config.invertMatch();
    this.treatMissingAsEmpty = config.treatMissingAsEmpty();
  }

  /** The lower-case header name, pseudo-headers included (":method", ":path", ...). */
  public String name() {
    return name;
  }

  /** {@code value} is the header's (joined) value, or null when the request lacks the header. */
  public boolean matches(String value) {
    if (value == null) {
      if (!treatMissingAsEmpty) {
        return valueMatcher == null && present == invert;
      }
      value = "";
    }
    boolean match = valueMatcher == null ? present : valueMatcher.matches(value);
    return match != invert;
  }
}
