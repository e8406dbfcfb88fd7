package dev.sluice.xds.resource;

import dev.sluice.config.HeaderMutations;
import dev.sluice.config.RouteActionConfig;
import dev.sluice.config.SafeRegex;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Decodes a route's action: {@code route} (forward), {@code redirect} or {@code direct_response}. */
final class RouteActionDecoder {
  private static final Set<String> FORWARD_FIELDS = Set.of("cluster", "weighted_clusters", "prefix_rewrite",
      "regex_rewrite", "host_rewrite_literal", "auto_host_rewrite", "timeout");
  private static final Set<String> WEIGHTED_FIELDS = Set.of("clusters");
  private static final Set<String> CLUSTER_WEIGHT_FIELDS = Set.of("name", "weight", "request_headers_to_add",
      "request_headers_to_remove", "response_headers_to_add", "response_headers_to_remove");
  private static final Set<String> REGEX_REWRITE_FIELDS = Set.of("pattern", "substitution");
  private static final Set<String> REDIRECT_FIELDS = Set.of("https_redirect", "scheme_redirect", "host_redirect",
      "port_redirect", "path_redirect", "prefix_rewrite", "response_code", "strip_query");
  private static final Set<String> DIRECT_RESPONSE_FIELDS = Set.of("status", "body");
  private static final Set<String> DATA_SOURCE_FIELDS = Set.of("inline_string", "inline_bytes", "filename");

  private RouteActionDecoder() {}

  static RouteActionConfig.Forward forward(
      RouteAction a, String path, RouteRuleDecoder.ClusterSink clusterSink, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(a, path, ctx, FORWARD_FIELDS);
    List<RouteActionConfig.WeightedCluster> clusters = List.of();
    switch (a.getClusterSpecifierCase()) {
      case CLUSTER -> {
        String clusterPath = FieldPath.child(path, "cluster");
        if (a.getCluster().isEmpty()) {
          ctx.error(clusterPath, "must not be empty");
        } else {
          clusterSink.accept(clusterPath, a.getCluster());
          clusters = List.of(new RouteActionConfig.WeightedCluster(a.getCluster(), 1, HeaderMutations.NONE));
        }
      }
      case WEIGHTED_CLUSTERS ->
          clusters = weighted(a.getWeightedClusters(), FieldPath.child(path, "weighted_clusters"), clusterSink, ctx);
      case CLUSTER_HEADER, CLUSTER_SPECIFIER_PLUGIN, INLINE_CLUSTER_SPECIFIER_PLUGIN -> { } // reported above
      case CLUSTERSPECIFIER_NOT_SET -> ctx.error(path, "one of cluster or weighted_clusters is required");
    }
    String prefixRewrite = a.getPrefixRewrite().isEmpty() ? null : a.getPrefixRewrite();
    RouteActionConfig.RegexRewrite regexRewrite =
        a.hasRegexRewrite() ? regexRewrite(a.getRegexRewrite(), FieldPath.child(path, "regex_rewrite"), ctx) : null;
    String hostLiteral = null;
    boolean autoHost = false;
    switch (a.getHostRewriteSpecifierCase()) {
      case HOST_REWRITE_LITERAL -> hostLiteral = a.getHostRewriteLiteral().isEmpty() ? null : a.getHostRewriteLiteral();
      case AUTO_HOST_REWRITE -> autoHost = a.getAutoHostRewrite().getValue();
      default -> { } // unset, or an unsupported specifier reported by the field check
    }
    Duration timeout = ProtoValues.nonNegative(a.hasTimeout(), a.getTimeout(), RouteActionConfig.DEFAULT_TIMEOUT,
        FieldPath.child(path, "timeout"), ctx);
    if (ctx.errorCount() != before) {
      return null;
    }
    try {
      return new RouteActionConfig.Forward(clusters, prefixRewrite, regexRewrite, hostLiteral, autoHost, timeout);
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return null;
    }
  }

  private static List<RouteActionConfig.WeightedCluster> weighted(
      WeightedCluster wc, String path, RouteRuleDecoder.ClusterSink clusterSink, DecodeContext ctx) {
    FieldRules.check(wc, path, ctx, WEIGHTED_FIELDS);
    String clustersPath = FieldPath.child(path, "clusters");
    if (wc.getClustersCount() == 0) {
      ctx.error(clustersPath, "at least one cluster is required");
      return List.of();
    }
    List<RouteActionConfig.WeightedCluster> out = new ArrayList<>();
    long sum = 0;
    for (int i = 0; i < wc.getClustersCount(); i++) {
      WeightedCluster.ClusterWeight cw = wc.getClusters(i);
      String cwPath = FieldPath.element(clustersPath, i);
      int before = ctx.errorCount();
      FieldRules.check(cw, cwPath, ctx, CLUSTER_WEIGHT_FIELDS);
      String namePath = FieldPath.child(cwPath, "name");
      if (cw.getName().isEmpty()) {
        ctx.error(namePath, "must not be empty");
      } else {
        clusterSink.accept(namePath, cw.getName());
      }
      // An unset weight is 0 in Envoy: the cluster exists but is never picked.
      int weight = ProtoValues.uint32(cw.hasWeight(), cw.getWeight(), 0, FieldPath.child(cwPath, "weight"), ctx);
      sum += weight;
      HeaderMutations headers = HeaderMutationDecoder.decode(cw.getRequestHeadersToAddList(),
          cw.getRequestHeadersToRemoveList(), cw.getResponseHeadersToAddList(), cw.getResponseHeadersToRemoveList(),
          cwPath, ctx);
      if (ctx.errorCount() == before) {
        out.add(new RouteActionConfig.WeightedCluster(cw.getName(), weight, headers));
      }
    }
    // Envoy's RouteEntryImplBase rejects both, in these words.
    if (sum == 0) {
      ctx.error(clustersPath, "Sum of weights in the weighted_cluster must be greater than 0");
    } else if (sum > 0xFFFF_FFFFL) {
      ctx.error(clustersPath, "the sum of weights of all weighted clusters exceeds 4294967295");
    }
    return out;
  }

  private static RouteActionConfig.RegexRewrite regexRewrite(
      RegexMatchAndSubstitute r, String path, DecodeContext ctx) {
    FieldRules.check(r, path, ctx, REGEX_REWRITE_FIELDS);
    if (!r.hasPattern()) {
      ctx.error(FieldPath.child(path, "pattern"), "pattern is required");
      return null;
    }
    SafeRegex pattern = MatchDecoder.regex(r.getPattern(), FieldPath.child(path, "pattern"), ctx);
    return pattern == null ? null : new RouteActionConfig.RegexRewrite(pattern, r.getSubstitution());
  }

  static RouteActionConfig.Redirect redirect(RedirectAction r, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(r, path, ctx, REDIRECT_FIELDS);
    String scheme = switch (r.getSchemeRewriteSpecifierCase()) {
      case HTTPS_REDIRECT -> r.getHttpsRedirect() ? "https" : null;
      case SCHEME_REDIRECT -> r.getSchemeRedirect().isEmpty() ? null : r.getSchemeRedirect();
      case SCHEMEREWRITESPECIFIER_NOT_SET -> null;
    };
    String host = r.getHostRedirect().isEmpty() ? null : r.getHostRedirect();
    int port = ProtoValues.uint32(r.getPortRedirect(), FieldPath.child(path, "port_redirect"), ctx);
    String pathRedirect = null;
    String prefixRewrite = null;
    switch (r.getPathRewriteSpecifierCase()) {
      case PATH_REDIRECT -> pathRedirect = r.getPathRedirect().isEmpty() ? null : r.getPathRedirect();
      case PREFIX_REWRITE -> prefixRewrite = r.getPrefixRewrite().isEmpty() ? null : r.getPrefixRewrite();
      default -> { } // unset, or regex_rewrite reported by the field check
    }
    int code = switch (r.getResponseCode()) {
      case MOVED_PERMANENTLY -> 301;
      case FOUND -> 302;
      case SEE_OTHER -> 303;
      case TEMPORARY_REDIRECT -> 307;
      case PERMANENT_REDIRECT -> 308;
      case UNRECOGNIZED -> {
        ctx.error(FieldPath.child(path, "response_code"), "unknown response_code " + r.getResponseCodeValue());
        yield 301;
      }
    };
    if (ctx.errorCount() != before) {
      return null;
    }
    try {
      return new RouteActionConfig.Redirect(scheme, host, port, pathRedirect, prefixRewrite, code, r.getStripQuery());
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return null;
    }
  }

  static RouteActionConfig.DirectResponse directResponse(
      DirectResponseAction d, String path, int maxBodyBytes, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(d, path, ctx, DIRECT_RESPONSE_FIELDS);
    int status = ProtoValues.uint32(d.getStatus(), FieldPath.child(path, "status"), ctx);
    String body = d.hasBody() ? body(d.getBody(), FieldPath.child(path, "body"), maxBodyBytes, ctx) : null;
    if (ctx.errorCount() != before) {
      return null;
    }
    try {
      return new RouteActionConfig.DirectResponse(status, body);
    } catch (IllegalArgumentException e) {
      ctx.error(FieldPath.child(path, "status"), e.getMessage());
      return null;
    }
  }

  /**
   * Reads a response body as Envoy does when the route table loads, with Envoy's size limit and
   * messages. Bodies must be UTF-8 text: the model holds a String, and decoding binary content
   * leniently would silently change the bytes sent.
   */
  private static String body(DataSource source, String path, int maxBodyBytes, DecodeContext ctx) {
    FieldRules.check(source, path, ctx, DATA_SOURCE_FIELDS);
    byte[] bytes;
    switch (source.getSpecifierCase()) {
      case INLINE_STRING -> bytes = source.getInlineString().getBytes(StandardCharsets.UTF_8);
      case INLINE_BYTES -> bytes = source.getInlineBytes().toByteArray();
      case FILENAME -> {
        bytes = readFile(source.getFilename(), FieldPath.child(path, "filename"), maxBodyBytes, ctx);
        if (bytes == null) {
          return null;
        }
      }
      case SPECIFIER_NOT_SET -> bytes = new byte[0];
      default -> {
        return null; // environment_variable and friends are reported by the field check
      }
    }
    if (bytes.length > maxBodyBytes) {
      ctx.error(path, "response body size is " + bytes.length + " bytes; maximum is " + maxBodyBytes
          + " (see max_direct_response_body_size_bytes)");
      return null;
    }
    return utf8(bytes, path, ctx);
  }

  private static byte[] readFile(String filename, String path, int maxBodyBytes, DecodeContext ctx) {
    try {
      Path file = Path.of(filename);
      if (!Files.isRegularFile(file)) {
        ctx.error(path, "response body file '" + filename + "' does not exist");
        return null;
      }
      long size = Files.size(file);
      if (size > maxBodyBytes) {
        ctx.error(path, "response body file '" + filename + "' size is " + size + " bytes; maximum is " + maxBodyBytes);
        return null;
      }
      return Files.readAllBytes(file);
    } catch (IOException | InvalidPathException | SecurityException e) {
      ctx.error(path, "cannot read response body file '" + filename + "': " + e.getMessage());
      return null;
    }
  }

  private static String utf8(byte[] bytes, String path, DecodeContext ctx) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      ctx.error(path, "response body is not valid UTF-8; binary bodies are not supported by Sluice");
      return null;
    }
  }
}
