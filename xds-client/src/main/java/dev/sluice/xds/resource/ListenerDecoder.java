package dev.sluice.xds.resource;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.config.FilterChainConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.NetworkFilterConfig;
import dev.sluice.config.SocketAddressConfig;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes one Envoy {@code Listener}: a TCP socket address, a traffic direction, and filter chains
 * whose single network filter is the HTTP connection manager.
 */
public final class ListenerDecoder {

  /** Decodes a network filter's {@code typed_config}; {@code path} names the Any. */
  @FunctionalInterface
  private interface NetworkFilterType {
    Optional<? extends NetworkFilterConfig> decode(Any typedConfig, String path, DecodeContext ctx);
  }

  // Network filters are chosen by the type URL of typed_config, as Envoy chooses them.
  private static final Map<String, NetworkFilterType> NETWORK_FILTERS =
      Map.of(HttpConnectionManagerDecoder.TYPE_URL, HttpConnectionManagerDecoder::decode);
  private static final String SUPPORTED_FILTERS = "envoy.filters.network.http_connection_manager";

  private static final Set<String> LISTENER_FIELDS = Set.of("name", "address", "filter_chains",
      "traffic_direction");
  private static final Set<String> FILTER_CHAIN_FIELDS = Set.of("name", "filters");
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
    String chainsPath = FieldPath.child(path, "filter_chains");
    int chainCount = listener.getFilterChainsCount();
    if (chainCount == 0) {
      ctx.error(chainsPath, "a listener needs at least one filter chain");
    } else if (chainCount > 1) {
      // Without filter_chain_match (not supported) every chain matches the same connections,
      // which Envoy rejects as "multiple filter chains with the same matching rules".
      ctx.error(chainsPath, chainCount + " filter chains with the same (empty) matching rules; Sluice supports"
          + " one filter chain per listener");
    }
    List<FilterChainConfig> chains = new ArrayList<>();
    for (int i = 0; i < chainCount; i++) {
      FilterChainConfig chain = filterChain(listener.getFilterChains(i), FieldPath.element(chainsPath, i), ctx);
      if (chain != null) {
        chains.add(chain);
      }
    }
    if (ctx.errorCount() != before) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ListenerConfig(listener.getName(), address, chains,
          direction(listener.getTrafficDirection())));
    } catch (IllegalArgumentException e) {
      ctx.error(path, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The RDS references of a listener that decoded, in filter-chain order: the decoded listener
   * holds a placeholder route configuration in each of these chains.
   */
  public static List<RdsReference> rdsReferences(Listener listener) {
    List<RdsReference> out = new ArrayList<>();
    for (int i = 0; i < listener.getFilterChainsCount(); i++) {
      for (Filter f : listener.getFilterChains(i).getFiltersList()) {
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

  private static FilterChainConfig filterChain(FilterChain chain, String path, DecodeContext ctx) {
    int before = ctx.errorCount();
    FieldRules.check(chain, path, ctx, FILTER_CHAIN_FIELDS);
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
    return new FilterChainConfig(chain.getName(), terminal);
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
