package dev.sluice.xds.resource;

import dev.sluice.config.HeaderMatchConfig;
import dev.sluice.config.HeaderMutations;
import dev.sluice.config.PathMatchConfig;
import dev.sluice.config.QueryParamMatchConfig;
import dev.sluice.config.RouteActionConfig;
import dev.sluice.config.RouteMatchConfig;
import dev.sluice.config.RouteRuleConfig;
import dev.sluice.config.SafeRegex;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Decodes one route of a virtual host: its match, its action and its header mutations. */
final class RouteRuleDecoder {

  /** Receives the clusters a route names, with the path of the naming field. */
  @FunctionalInterface
  interface ClusterSink {
    void accept(String path, String cluster);
  }

  private static final Set<String> ROUTE_FIELDS = Set.of("name", "match", "route", "redirect", "direct_response",
      "request_headers_to_add", "request_headers_to_remove", "response_headers_to_add",
      "response_headers_to_remove");
  private static final Set<String> MATCH_FIELDS = Set.of("prefix", "path", "safe_regex", "path_separated_prefix",
      "case_sensitive", "headers", "query_parameters");

  private RouteRuleDecoder() {}

  static RouteRuleConfig decode(Route route, String path, ClusterSink clusters, int maxBodyBytes, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(route, path, ctx, ROUTE_FIELDS);
    RouteMatchConfig match = null;
    if (route.hasMatch()) {
      match = match(route.getMatch(), FieldPath.child(path, "match"), ctx);
    } else {
      ctx.error(FieldPath.child(path, "match"), "match is required");
    }
    RouteActionConfig action = switch (route.getActionCase()) {
      case ROUTE -> RouteActionDecoder.forward(route.getRoute(), FieldPath.child(path, "route"), clusters, ctx);
      case REDIRECT -> RouteActionDecoder.redirect(route.getRedirect(), FieldPath.child(path, "redirect"), ctx);
      case DIRECT_RESPONSE -> RouteActionDecoder.directResponse(route.getDirectResponse(),
          FieldPath.child(path, "direct_response"), maxBodyBytes, ctx);
      case FILTER_ACTION, NON_FORWARDING_ACTION -> null; // reported by the field check
      case ACTION_NOT_SET -> {
        ctx.error(path, "one of route, redirect or direct_response is required");
        yield null;
      }
    };
    HeaderMutations headers = HeaderMutationDecoder.decode(route.getRequestHeadersToAddList(),
        route.getRequestHeadersToRemoveList(), route.getResponseHeadersToAddList(),
        route.getResponseHeadersToRemoveList(), path, ctx);
    if (ctx.errorCount() != before) {
      return null;
    }
    try {
      return new RouteRuleConfig(route.getName(), match, action, headers);
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return null;
    }
  }

  private static RouteMatchConfig match(RouteMatch m, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(m, path, ctx, MATCH_FIELDS);
    PathMatchConfig pathMatch = switch (m.getPathSpecifierCase()) {
      case PREFIX -> new PathMatchConfig.Prefix(m.getPrefix());
      case PATH -> new PathMatchConfig.Exact(m.getPath());
      case SAFE_REGEX -> {
        SafeRegex regex = MatchDecoder.regex(m.getSafeRegex(), FieldPath.child(path, "safe_regex"), ctx);
        yield regex == null ? null : new PathMatchConfig.Regex(regex);
      }
      case PATH_SEPARATED_PREFIX -> {
        try {
          yield new PathMatchConfig.SeparatedPrefix(m.getPathSeparatedPrefix());
        } catch (IllegalArgumentException e) {
          ctx.error(FieldPath.child(path, "path_separated_prefix"), e.getMessage());
          yield null;
        }
      }
      case CONNECT_MATCHER, PATH_MATCH_POLICY -> null; // reported by the field check
      case PATHSPECIFIER_NOT_SET -> {
        ctx.error(path, "one of prefix, path, safe_regex or path_separated_prefix is required");
        yield null;
      }
    };
    // Envoy: case_sensitive defaults to true and is ignored for safe_regex.
    boolean caseSensitive = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
    if (pathMatch instanceof PathMatchConfig.Regex && !caseSensitive) {
      ctx.warn(FieldPath.child(path, "case_sensitive"),
          "ignored: case_sensitive has no effect on safe_regex (as in Envoy); use (?i) in the regex");
      caseSensitive = true;
    }
    List<HeaderMatchConfig> headers = new ArrayList<>();
    for (int i = 0; i < m.getHeadersCount(); i++) {
      HeaderMatchConfig h = MatchDecoder.header(m.getHeaders(i), FieldPath.element(path, "headers", i), ctx);
      if (h != null) {
        headers.add(h);
      }
    }
    List<QueryParamMatchConfig> query = new ArrayList<>();
    for (int i = 0; i < m.getQueryParametersCount(); i++) {
      QueryParamMatchConfig q =
          MatchDecoder.query(m.getQueryParameters(i), FieldPath.element(path, "query_parameters", i), ctx);
      if (q != null) {
        query.add(q);
      }
    }
    if (ctx.errorCount() != before) {
      return null;
    }
    return new RouteMatchConfig(pathMatch, caseSensitive, headers, query);
  }
}
