package dev.sluice.xds.bootstrap;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.sluice.config.SecretConfig;
import dev.sluice.xds.resource.DecodeContext;
import dev.sluice.xds.resource.FieldPath;
import dev.sluice.xds.resource.SecretDecoder;
import dev.sluice.xds.resource.SecretFileReader;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an SDS file source, the file an {@code sds_config: {path_config_source: {path: ...}}}
 * names: as in Envoy, one {@code DiscoveryResponse} in YAML or JSON whose {@code resources} are
 * {@code envoy.extensions.transport_sockets.tls.v3.Secret}s. The text goes through the bootstrap's
 * YAML/JSON-to-proto path, each secret through {@link SecretDecoder}, so a file is checked and
 * reported on like a bootstrap. The response's other fields (version, nonce) carry nothing a file
 * needs and are not looked at.
 */
public final class SecretFileLoader {
  private static final String WHAT = "the secret file";
  private static final String SECRET_TYPE_URL = "type.googleapis.com/" + Secret.getDescriptor().getFullName();

  private SecretFileLoader() {}

  /** The secrets in {@code file} by name, or every problem found with the file's name in front. */
  public static SecretFileReader.Result read(Path file) {
    try {
      return decode(BootstrapLoader.readMessage(file, DiscoveryResponse.getDefaultInstance(), WHAT), file);
    } catch (ConfigException e) {
      return SecretFileReader.Result.failed(e.errors());
    }
  }

  /** {@link #read} for text already read from {@code file}; {@code file} names the format and the origin. */
  public static SecretFileReader.Result parse(String text, Path file) {
    List<String> errors = new ArrayList<>();
    DiscoveryResponse response =
        BootstrapLoader.parseMessage(text, file, DiscoveryResponse.getDefaultInstance(), WHAT, errors);
    return response == null ? SecretFileReader.Result.failed(errors) : decode(response, file);
  }

  private static SecretFileReader.Result decode(DiscoveryResponse response, Path file) {
    DecodeContext ctx = new DecodeContext(file.toString());
    Map<String, SecretConfig> secrets = new LinkedHashMap<>();
    Map<String, String> names = new HashMap<>();
    for (int i = 0; i < response.getResourcesCount(); i++) {
      String path = FieldPath.element("resources", i);
      Any resource = response.getResources(i);
      if (!resource.getTypeUrl().equals(SECRET_TYPE_URL)) {
        ctx.error(path, "a secret file holds only " + SECRET_TYPE_URL + " resources (got " + resource.getTypeUrl()
            + ")");
        continue;
      }
      Secret secret;
      try {
        secret = resource.unpack(Secret.class);
      } catch (InvalidProtocolBufferException e) {
        ctx.error(path, "cannot decode the secret: " + e.getMessage());
        continue;
      }
      String first = secret.getName().isEmpty() ? null : names.putIfAbsent(secret.getName(), path);
      if (first != null) {
        ctx.error(FieldPath.child(path, "name"), "duplicate secret name '" + secret.getName() + "' (first at " + first
            + ")");
        continue;
      }
      SecretDecoder.decode(secret, path, ctx).ifPresent(s -> secrets.put(s.name(), s));
    }
    return ctx.hasErrors() ? SecretFileReader.Result.failed(ctx.errors()) : SecretFileReader.Result.of(secrets);
  }
}
