package dev.sluice.config;

import java.util.List;

/**
 * Headers to add and remove on requests and responses at one level (route configuration,
 * virtual host, route or weighted cluster). Names to remove are lower case.
 */
public record HeaderMutations(
    List<HeaderValueOption> requestHeadersToAdd,
    List<String> requestHeadersToRemove,
    List<HeaderValueOption> responseHeadersToAdd,
    List<String> responseHeadersToRemove) {
  public static final HeaderMutations NONE = new HeaderMutations(List.of(), List.of(), List.of(), List.of());

  public HeaderMutations {
    requestHeadersToAdd = List.copyOf(requestHeadersToAdd);
    requestHeadersToRemove = requestHeadersToRemove.stream().map(HeaderMutations::lower).toList();
    responseHeadersToAdd = List.copyOf(responseHeadersToAdd);
    responseHeadersToRemove = responseHeadersToRemove.stream().map(HeaderMutations::lower).toList();
  }

  public boolean isEmpty() {
    return requestHeadersToAdd.isEmpty()
        && requestHeadersToRemove.isEmpty()
        && responseHeadersToAdd.isEmpty()
        && responseHeadersToRemove.isEmpty();
  }

  private static String lower(String name) {
    return name.toLowerCase(java.util.Locale.ROOT);
  }
}
