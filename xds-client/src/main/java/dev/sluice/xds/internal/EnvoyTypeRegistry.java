package dev.sluice.xds.internal;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.util.JsonFormat;
import java.util.List;

/**
 * The protobuf types that may appear inside an {@code Any} in Envoy configuration, for parsing
 * JSON/YAML and for printing {@code /config_dump}.
 *
 * <p>Sluice decodes only a few of these. The rest are registered so that a real but unsupported
 * extension (a TCP proxy, a Lua filter, a TLS context) is recognised and rejected with "not
 * supported" naming the extension, while a misspelt type URL is rejected as unknown. Adding one
 * message registers every message of its .proto file and of the files it imports.
 */
public final class EnvoyTypeRegistry {

  private static final JsonFormat.TypeRegistry REGISTRY = build();

  private EnvoyTypeRegistry() {}

  /** The shared registry; immutable and safe to use from any thread. */
  public static JsonFormat.TypeRegistry get() {
    return REGISTRY;
  }

  private static JsonFormat.TypeRegistry build() {
    return JsonFormat.TypeRegistry.newBuilder().add(roots()).build();
  }

  private static List<Descriptor> roots() {
    return List.of(
        // Top-level resources and what the admin interface dumps.
        io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap.getDescriptor(),
        io.envoyproxy.envoy.config.listener.v3.Listener.getDescriptor(),
        io.envoyproxy.envoy.config.route.v3.RouteConfiguration.getDescriptor(),
        io.envoyproxy.envoy.config.route.v3.ScopedRouteConfiguration.getDescriptor(),
        io.envoyproxy.envoy.config.cluster.v3.Cluster.getDescriptor(),
        io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment.getDescriptor(),
        io.envoyproxy.envoy.admin.v3.ConfigDump.getDescriptor(),
        io.envoyproxy.envoy.admin.v3.BootstrapConfigDump.getDescriptor(),
        io.envoyproxy.envoy.admin.v3.ListenersConfigDump.getDescriptor(),
        io.envoyproxy.envoy.admin.v3.ClustersConfigDump.getDescriptor(),
        io.envoyproxy.envoy.admin.v3.RoutesConfigDump.getDescriptor(),
        io.envoyproxy.envoy.admin.v3.EndpointsConfigDump.getDescriptor(),
        io.envoyproxy.envoy.admin.v3.SecretsConfigDump.getDescriptor(),
        io.envoyproxy.envoy.admin.v3.ScopedRoutesConfigDump.getDescriptor(),
        io.envoyproxy.envoy.admin.v3.ServerInfo.getDescriptor(),
        // Wrappers that carry an extension's config as a Struct.
        com.github.udpa.udpa.type.v1.TypedStruct.getDescriptor(),
        com.github.xds.type.v3.TypedStruct.getDescriptor(),
        // Network filters.
        io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
            .getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.local_ratelimit.v3.LocalRateLimit.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.ratelimit.v3.RateLimit.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.ext_authz.v3.ExtAuthz.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.connection_limit.v3.ConnectionLimit.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.direct_response.v3.Config.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.echo.v3.Echo.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.redis_proxy.v3.RedisProxy.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.mongo_proxy.v3.MongoProxy.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.thrift_proxy.v3.ThriftProxy.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.dubbo_proxy.v3.DubboProxy.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.sni_cluster.v3.SniCluster.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.sni_dynamic_forward_proxy.v3.FilterConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.wasm.v3.Wasm.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.set_filter_state.v3.Config.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.generic_proxy.v3.GenericProxy.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.network.zookeeper_proxy.v3.ZooKeeperProxy.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.udp.udp_proxy.v3.UdpProxyConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.udp.dns_filter.v3.DnsFilterConfig.getDescriptor(),
        // Listener filters.
        io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.listener.http_inspector.v3.HttpInspector.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.listener.original_src.v3.OriginalSrc.getDescriptor(),
        // HTTP filters.
        io.envoyproxy.envoy.extensions.filters.http.router.v3.Router.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.health_check.v3.HealthCheck.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.grpc_web.v3.GrpcWeb.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.grpc_stats.v3.FilterConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.grpc_http1_bridge.v3.Config.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.buffer.v3.Buffer.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.compressor.v3.Compressor.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.decompressor.v3.Decompressor.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.gzip.v3.Gzip.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.header_to_metadata.v3.Config.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.header_mutation.v3.HeaderMutation.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.csrf.v3.CsrfPolicy.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.wasm.v3.Wasm.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.tap.v3.Tap.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.oauth2.v3.OAuth2.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.basic_auth.v3.BasicAuth.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.api_key_auth.v3.ApiKeyAuth.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.dynamic_forward_proxy.v3.FilterConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.adaptive_concurrency.v3.AdaptiveConcurrency.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.admission_control.v3.AdmissionControl.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.bandwidth_limit.v3.BandwidthLimit.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.cdn_loop.v3.CdnLoopConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.composite.v3.Composite.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.custom_response.v3.CustomResponse.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.stateful_session.v3.StatefulSession.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.set_metadata.v3.Config.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.ip_tagging.v3.IPTagging.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.original_src.v3.OriginalSrc.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.aws_lambda.v3.Config.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.on_demand.v3.OnDemand.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.alternate_protocols_cache.v3.FilterConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec.getDescriptor(),
        io.envoyproxy.envoy.extensions.filters.http.kill_request.v3.KillRequest.getDescriptor(),
        io.envoyproxy.envoy.extensions.http.stateful_session.cookie.v3.CookieBasedSessionState.getDescriptor(),
        // Transport sockets.
        io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.getDescriptor(),
        io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext.getDescriptor(),
        io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.getDescriptor(),
        io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer.getDescriptor(),
        io.envoyproxy.envoy.extensions.transport_sockets.proxy_protocol.v3.ProxyProtocolUpstreamTransport
            .getDescriptor(),
        io.envoyproxy.envoy.extensions.transport_sockets.tcp_stats.v3.Config.getDescriptor(),
        io.envoyproxy.envoy.extensions.transport_sockets.internal_upstream.v3.InternalUpstreamTransport
            .getDescriptor(),
        // Access loggers.
        io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog.getDescriptor(),
        io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog.getDescriptor(),
        io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.access_loggers.open_telemetry.v3.OpenTelemetryAccessLogConfig
            .getDescriptor(),
        io.envoyproxy.envoy.extensions.formatter.req_without_query.v3.ReqWithoutQuery.getDescriptor(),
        io.envoyproxy.envoy.extensions.formatter.metadata.v3.Metadata.getDescriptor(),
        // Upstream protocol options and cluster types.
        io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.getDescriptor(),
        io.envoyproxy.envoy.extensions.upstreams.tcp.v3.TcpProtocolOptions.getDescriptor(),
        io.envoyproxy.envoy.extensions.clusters.dynamic_forward_proxy.v3.ClusterConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.clusters.dns.v3.DnsCluster.getDescriptor(),
        io.envoyproxy.envoy.extensions.clusters.redis.v3.RedisClusterConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.health_checkers.redis.v3.Redis.getDescriptor(),
        // Load-balancing policies.
        io.envoyproxy.envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin.getDescriptor(),
        io.envoyproxy.envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest.getDescriptor(),
        io.envoyproxy.envoy.extensions.load_balancing_policies.random.v3.Random.getDescriptor(),
        io.envoyproxy.envoy.extensions.load_balancing_policies.maglev.v3.Maglev.getDescriptor(),
        io.envoyproxy.envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash.getDescriptor(),
        io.envoyproxy.envoy.extensions.load_balancing_policies.client_side_weighted_round_robin.v3
            .ClientSideWeightedRoundRobin.getDescriptor(),
        io.envoyproxy.envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality.getDescriptor(),
        io.envoyproxy.envoy.extensions.load_balancing_policies.cluster_provided.v3.ClusterProvided.getDescriptor(),
        io.envoyproxy.envoy.extensions.load_balancing_policies.pick_first.v3.PickFirst.getDescriptor(),
        io.envoyproxy.envoy.extensions.load_balancing_policies.subset.v3.Subset.getDescriptor(),
        // Compression libraries.
        io.envoyproxy.envoy.extensions.compression.gzip.compressor.v3.Gzip.getDescriptor(),
        io.envoyproxy.envoy.extensions.compression.gzip.decompressor.v3.Gzip.getDescriptor(),
        io.envoyproxy.envoy.extensions.compression.brotli.compressor.v3.Brotli.getDescriptor(),
        io.envoyproxy.envoy.extensions.compression.zstd.compressor.v3.Zstd.getDescriptor(),
        // Tracers, stats sinks, resource monitors and other bootstrap-level extensions.
        io.envoyproxy.envoy.config.trace.v3.ZipkinConfig.getDescriptor(),
        io.envoyproxy.envoy.config.trace.v3.OpenTelemetryConfig.getDescriptor(),
        io.envoyproxy.envoy.config.trace.v3.DatadogConfig.getDescriptor(),
        io.envoyproxy.envoy.config.trace.v3.SkyWalkingConfig.getDescriptor(),
        io.envoyproxy.envoy.config.metrics.v3.StatsdSink.getDescriptor(),
        io.envoyproxy.envoy.config.metrics.v3.DogStatsdSink.getDescriptor(),
        io.envoyproxy.envoy.config.metrics.v3.HystrixSink.getDescriptor(),
        io.envoyproxy.envoy.config.metrics.v3.MetricsServiceConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.stat_sinks.open_telemetry.v3.SinkConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.resource_monitors.fixed_heap.v3.FixedHeapConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.resource_monitors.injected_resource.v3.InjectedResourceConfig
            .getDescriptor(),
        io.envoyproxy.envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig
            .getDescriptor(),
        io.envoyproxy.envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.http.original_ip_detection.xff.v3.XffConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.http.original_ip_detection.custom_header.v3.CustomHeaderConfig
            .getDescriptor(),
        io.envoyproxy.envoy.extensions.regex_engines.v3.GoogleRE2.getDescriptor(),
        io.envoyproxy.envoy.extensions.network.dns_resolver.cares.v3.CaresDnsResolverConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.network.dns_resolver.getaddrinfo.v3.GetAddrInfoDnsResolverConfig
            .getDescriptor(),
        io.envoyproxy.envoy.extensions.network.socket_interface.v3.DefaultSocketInterface.getDescriptor(),
        io.envoyproxy.envoy.extensions.bootstrap.internal_listener.v3.InternalListener.getDescriptor(),
        io.envoyproxy.envoy.extensions.wasm.v3.WasmService.getDescriptor(),
        // Route-level extensions.
        io.envoyproxy.envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig
            .getDescriptor(),
        io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate.getDescriptor(),
        io.envoyproxy.envoy.extensions.internal_redirect.previous_routes.v3.PreviousRoutesConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.internal_redirect.allow_listed_routes.v3.AllowListedRoutesConfig
            .getDescriptor(),
        io.envoyproxy.envoy.extensions.internal_redirect.safe_cross_scheme.v3.SafeCrossSchemeConfig
            .getDescriptor(),
        io.envoyproxy.envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.path.rewrite.uri_template.v3.UriTemplateRewriteConfig.getDescriptor(),
        io.envoyproxy.envoy.extensions.matching.common_inputs.network.v3.DestinationIPInput.getDescriptor(),
        io.envoyproxy.envoy.extensions.matching.input_matchers.ip.v3.Ip.getDescriptor(),
        io.envoyproxy.envoy.extensions.common.matching.v3.ExtensionWithMatcher.getDescriptor());
  }
}
