package dev.sluice.xds.resource;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.config.CidrRange;
import dev.sluice.config.DownstreamTlsConfig;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.FilterChainMatchConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.NetworkFilterConfig;
import dev.sluice.config.SocketAddressConfig;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes one Envoy {@code Listener}: a TCP socket address, a traffic direction, the TLS inspector
 * listener filter, and filter chains (plus an optional default chain) chosen by
 * {@code filter_chain_match}, each with an optional TLS transport socket and a single network
 * filter: the HTTP connection manager or the TCP proxy.
 */
public final class ListenerDecoder {

  /** Decodes a network filter's {@code typed_config}; {@code path} names the Any. */
  @FunctionalInterface
  private interface NetworkFilterType {
    Optional<? extends NetworkFilterConfig> decode(Any typedConfig, String path, DecodeContext ctx);
  }

  // Network filters are chosen by the type URL of typed_config, as Envoy chooses them.
  private static final Map<String, NetworkFilterType> NETWORK_FILTERS = Map.of(
      HttpConnectionManagerDecoder.TYPE_URL, HttpConnectionManagerDecoder::decode,
      TcpProxyDecoder.TYPE_URL, TcpProxyDecoder::decode);
  private static final String SUPPORTED_FILTERS =
      "envoy.filters.network.http_connection_manager or envoy.filters.network.tcp_proxy";

  static final String TLS_INSPECTOR = "envoy.filters.listener.tls_inspector";
  private static final String TLS_INSPECTOR_TYPE_URL =
      "type.googleapis.com/" + TlsInspector.getDescriptor().getFullName();

  // listener_filters_timeout and continue_on_listener_filters_timeout are rejected when set: the
  // TLS inspector's wait for a ClientHello is not configurable, so honouring another value is
  // impossible and ignoring it would change which slow connections are served.
  private static final Set<String> LISTENER_FIELDS = Set.of("name", "address", "filter_chains",
      "traffic_direction", "listener_filters", "default_filter_chain");
  private static final Set<String> LISTENER_FILTER_FIELDS = Set.of("name", "typed_config");
  private static final Set<String> FILTER_CHAIN_FIELDS = Set.of("name", "filters", "filter_chain_match",
      "transport_socket");
  private static final Set<String> MATCH_FIELDS = Set.of("destination_port", "prefix_ranges", "server_names",
      "transport_protocol", "application_protocols", "source_type", "source_prefix_ranges", "source_ports");
  private static final Set<String> CIDR_FIELDS = Set.of("address_prefix", "prefix_len");
  private static final Set<String> FILTER_FIELDS = Set.of("name", "typed_config");

  private ListenerDecoder() {}

  /** Decodes {@code listener} at {@code path}; empty when an error was recorded. */
  public static Optional<ListenerConfig> decode(Listener listener, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(listener, path, ctx, LISTENER_FIELDS);
    if (listener.getName().isEmpty()) {
      ctx.error(FieldPath.child(path, "name"), "a listener needs a name");
    }
    SocketAddressConfig address = null;
    if (listener.hasAddress()) {
      address = AddressDecoder.decode(listener.getAddress(), AddressDecoder.Use.BIND,
          FieldPath.child(path, "address"), ctx);
    } else {
      ctx.error(FieldPath.child(path, "address"), "a listener needs an address");
    }
    boolean tlsInspector = listenerFilters(listener, FieldPath.child(path, "listener_filters"), ctx);
    String chainsPath = FieldPath.child(path, "filter_chains");
    int chainCount = listener.getFilterChainsCount();
    if (chainCount == 0 && !listener.hasDefaultFilterChain()) {
      ctx.error(chainsPath, "a listener needs at least one filter chain or a default_filter_chain");
    }
    List<FilterChainConfig> chains = new ArrayList<>();
    List<String> chainPaths = new ArrayList<>();
    for (int i = 0; i < chainCount; i++) {
      String chainPath = FieldPath.element(chainsPath, i);
      FilterChainConfig chain = filterChain(listener.getFilterChains(i), chainPath, false, ctx);
      if (chain != null) {
        chains.add(chain);
        chainPaths.add(chainPath);
      }
    }
    FilterChainOverlaps.check(listener.getName(), chains, chainPaths, chainsPath, ctx);
    if (!tlsInspector) {
      for (int i = 0; i < chains.size(); i++) {
        noticeUnmatchable(chains.get(i).match(), FieldPath.child(chainPaths.get(i), "filter_chain_match"), ctx);
      }
    }
    FilterChainConfig defaultChain = listener.hasDefaultFilterChain()
        ? filterChain(listener.getDefaultFilterChain(), FieldPath.child(path, "default_filter_chain"), true, ctx)
        : null;
    if (ctx.errorCount() != before) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ListenerConfig(listener.getName(), address, chains,
          direction(listener.getTrafficDirection()), tlsInspector, defaultChain));
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The RDS references of a listener that decoded, in filter-chain order: the decoded listener
   * holds a placeholder route configuration in each of these chains. The default filter chain
   * counts as the one after the last, as in {@link ListenerConfig#allFilterChains()}.
   */
  public static List<RdsReference> rdsReferences(Listener listener) {
    List<FilterChain> chains = new ArrayList<>(listener.getFilterChainsList());
    if (listener.hasDefaultFilterChain()) {
      chains.add(listener.getDefaultFilterChain());
    }
    List<RdsReference> out = new ArrayList<>();
    for (int i = 0; i < chains.size(); i++) {
      for (Filter f : chains.get(i).getFiltersList()) {
        if (!f.getTypedConfig().getTypeUrl().equals(HttpConnectionManagerDecoder.TYPE_URL)) {
          continue;
        }
        try {
          HttpConnectionManager hcm = f.getTypedConfig().unpack(HttpConnectionManager.class);
          if (hcm.hasRds()) {
            ConfigSource source = hcm.getRds().getConfigSource();
            Duration timeout = source.hasInitialFetchTimeout()
                ? ProtoValues.duration(source.getInitialFetchTimeout())
                : ConfigSourceDecoder.DEFAULT_INITIAL_FETCH_TIMEOUT;
            out.add(new RdsReference(i, hcm.getRds().getRouteConfigName(), hcm.getStatPrefix(), timeout));
          }
        } catch (InvalidProtocolBufferException e) {
          // Not a listener that decoded: decode() reported it.
        }
      }
    }
    return out;
  }

  private static ListenerConfig.TrafficDirection direction(TrafficDirection direction) {
    return switch (direction) {
      case INBOUND -> ListenerConfig.TrafficDirection.INBOUND;
      case OUTBOUND -> ListenerConfig.TrafficDirection.OUTBOUND;
      default -> ListenerConfig.TrafficDirection.UNSPECIFIED;
    };
  }

  /**
   * Whether the TLS inspector is configured, the only listener filter Sluice runs. As for other
   * extensions, the type of {@code typed_config} chooses it, and the name only when there is none.
   */
  private static boolean listenerFilters(Listener listener, String path, DecodeContext ctx) {
    boolean inspector = false;
    for (int i = 0; i < listener.getListenerFiltersCount(); i++) {
      ListenerFilter f = listener.getListenerFilters(i);
      String fPath = FieldPath.element(path, i);
      FieldRules.check(f, fPath, ctx, LISTENER_FILTER_FIELDS);
      if (f.hasTypedConfig()) {
        String configPath = FieldPath.child(fPath, "typed_config");
        String typeUrl = f.getTypedConfig().getTypeUrl();
        if (!typeUrl.equals(TLS_INSPECTOR_TYPE_URL)) {
          ctx.error(configPath, "listener filter '" + f.getName() + "' (" + typeUrl + ") is not supported by Sluice;"
              + " supported: " + TLS_INSPECTOR);
          continue;
        }
        try {
          FieldRules.check(f.getTypedConfig().unpack(TlsInspector.class), configPath, ctx, Set.of());
          inspector = true;
        } catch (InvalidProtocolBufferException e) {
          ctx.error(configPath, "cannot decode TlsInspector: " + e.getMessage());
        }
      } else if (f.getName().equals(TLS_INSPECTOR)) {
        inspector = true;
      } else if (!f.hasConfigDiscovery()) { // config_discovery is reported by the field check
        ctx.error(fPath, "listener filter '" + f.getName() + "' is not supported by Sluice; supported: "
            + TLS_INSPECTOR);
      }
    }
    return inspector;
  }

  /**
   * Envoy accepts a chain that matches on what only the TLS inspector reads, on a listener without
   * one; such a chain never matches those values. Worth a warning, not a rejection.
   */
  private static void noticeUnmatchable(FilterChainMatchConfig match, String path, DecodeContext ctx) {
    List<String> needs = new ArrayList<>();
    if (!match.serverNames().isEmpty()) {
      needs.add("server_names");
    }
    if (!match.applicationProtocols().isEmpty()) {
      needs.add("application_protocols");
    }
    if (match.transportProtocol().equals("tls")) {
      needs.add("transport_protocol 'tls'");
    }
    if (!needs.isEmpty()) {
      ctx.notice(path, "matches on " + String.join(", ", needs) + ", which only the listener filter "
          + TLS_INSPECTOR + " reads; the listener has none, so this chain can never match (accepted, as Envoy does)");
    }
  }

  private static FilterChainConfig filterChain(FilterChain chain, String path, boolean isDefault, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(chain, path, ctx, FILTER_CHAIN_FIELDS);
    FilterChainMatchConfig match = FilterChainMatchConfig.ANY;
    if (chain.hasFilterChainMatch()) {
      String matchPath = FieldPath.child(path, "filter_chain_match");
      if (isDefault) {
        ctx.warn(matchPath, "ignored: the default filter chain serves what no other chain matches, and Envoy ignores"
            + " its filter_chain_match");
      } else {
        match = match(chain.getFilterChainMatch(), matchPath, ctx);
      }
    }
    DownstreamTlsConfig tls = chain.hasTransportSocket()
        ? TlsContextDecoder.downstream(chain.getTransportSocket(), FieldPath.child(path, "transport_socket"), ctx)
        : null;
    String filtersPath = FieldPath.child(path, "filters");
    if (chain.getFiltersCount() != 1) {
      ctx.error(filtersPath, "a filter chain needs exactly one network filter, " + SUPPORTED_FILTERS
          + " (found " + chain.getFiltersCount() + ")");
    }
    NetworkFilterConfig terminal = null;
    for (int i = 0; i < chain.getFiltersCount(); i++) {
      NetworkFilterConfig decoded = networkFilter(chain.getFilters(i), FieldPath.element(filtersPath, i), ctx);
      if (terminal == null) {
        terminal = decoded;
      }
    }
    if (ctx.errorCount() != before || terminal == null) {
      return null;
    }
    // An unnamed chain is named by its place, so that logs, stats and errors can point at it.
    String name = chain.getName().isEmpty() ? path.substring(path.lastIndexOf('.') + 1) : chain.getName();
    return new FilterChainConfig(name, match, tls, terminal);
  }

  private static FilterChainMatchConfig match(FilterChainMatch m, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(m, path, ctx, MATCH_FIELDS);
    int port = 0;
    if (m.hasDestinationPort()) {
      int raw = m.getDestinationPort().getValue();
      if (raw < 1 || raw > 65535) {
        ctx.error(FieldPath.child(path, "destination_port"), "must be in 1..65535 (value: "
            + Integer.toUnsignedString(raw) + ")");
      } else {
        port = raw;
      }
    }
    List<CidrRange> prefixes = cidrs(m.getPrefixRangesList(), FieldPath.child(path, "prefix_ranges"), ctx);
    // SNI names are case-insensitive (RFC 6066 section 3); the listener compares lower case.
    List<String> serverNames = m.getServerNamesList().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
    String transport = m.getTransportProtocol();
    if (!transport.isEmpty() && !transport.equals("tls") && !transport.equals("raw_buffer")) {
      ctx.error(FieldPath.child(path, "transport_protocol"), "transport_protocol '" + transport + "' is never"
          + " detected by Sluice (supported: tls, raw_buffer)");
    }
    FilterChainMatchConfig.SourceType sourceType = switch (m.getSourceType()) {
      case ANY -> FilterChainMatchConfig.SourceType.ANY;
      case SAME_IP_OR_LOOPBACK -> FilterChainMatchConfig.SourceType.SAME_IP_OR_LOOPBACK;
      case EXTERNAL -> FilterChainMatchConfig.SourceType.EXTERNAL;
      case UNRECOGNIZED -> {
        ctx.error(FieldPath.child(path, "source_type"), "unknown value " + m.getSourceTypeValue());
        yield FilterChainMatchConfig.SourceType.ANY;
      }
    };
    List<CidrRange> sources = cidrs(m.getSourcePrefixRangesList(), FieldPath.child(path, "source_prefix_ranges"), ctx);
    List<Integer> sourcePorts = new ArrayList<>();
    for (int i = 0; i < m.getSourcePortsCount(); i++) {
      int raw = m.getSourcePorts(i);
      if (raw < 1 || raw > 65535) {
        ctx.error(FieldPath.element(path, "source_ports", i), "must be in 1..65535 (value: "
            + Integer.toUnsignedString(raw) + ")");
      } else {
        sourcePorts.add(raw);
      }
    }
    if (ctx.errorCount() != before) {
      return null;
    }
    try {
      return new FilterChainMatchConfig(port, prefixes, serverNames, transport, m.getApplicationProtocolsList(),
          sourceType, sources, sourcePorts);
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return null;
    }
  }

  private static List<CidrRange> cidrs(List<io.envoyproxy.envoy.config.core.v3.CidrRange> protos, String path,
      DecodeContext ctx) {
    List<CidrRange> out = new ArrayList<>();
    for (int i = 0; i < protos.size(); i++) {
      io.envoyproxy.envoy.config.core.v3.CidrRange c = protos.get(i);
      String cPath = FieldPath.element(path, i);
      FieldRules.check(c, cPath, ctx, CIDR_FIELDS);
      int length = c.hasPrefixLen() ? ProtoValues.uint32(c.getPrefixLen().getValue(),
          FieldPath.child(cPath, "prefix_len"), ctx) : 0;
      try {
        out.add(new CidrRange(c.getAddressPrefix(), length));
      } catch (IllegalArgumentException e) {
        ctx.error(cPath, e.getMessage());
      }
    }
    return out;
  }

  private static NetworkFilterConfig networkFilter(Filter filter, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(filter, path, ctx, FILTER_FIELDS);
    String configPath = FieldPath.child(path, "typed_config");
    if (!filter.hasTypedConfig()) {
      if (ctx.errorCount() == before) {
        ctx.error(configPath, "typed_config is required (filter '" + filter.getName() + "')");
      }
      return null;
    }
    String typeUrl = filter.getTypedConfig().getTypeUrl();
    NetworkFilterType type = NETWORK_FILTERS.get(typeUrl);
    if (type == null) {
      ctx.error(configPath, "network filter '" + filter.getName() + "' (" + typeUrl + ") is not supported by Sluice;"
          + " supported: " + SUPPORTED_FILTERS);
      return null;
    }
    return type.decode(filter.getTypedConfig(), configPath, ctx).orElse(null);
  }
}
