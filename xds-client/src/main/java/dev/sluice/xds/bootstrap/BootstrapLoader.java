package dev.sluice.xds.bootstrap;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.sluice.config.BootstrapConfig;
import dev.sluice.xds.internal.EnvoyTypeRegistry;
import dev.sluice.xds.internal.SensitiveFields;
import dev.sluice.xds.resource.BootstrapDecoder;
import dev.sluice.xds.resource.DecodeContext;
import dev.sluice.xds.resource.DecodedBootstrap;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Loads an Envoy v3 bootstrap the way {@code envoy -c <file> [--config-yaml <text>]} does and
 * decodes it into a {@link BootstrapConfig}.
 *
 * <p>Three stages, each reporting every problem it finds before the next runs: YAML syntax (with
 * line and column), the shape of the document against the Envoy protos (unknown fields, bad enum
 * values, wrong types, unknown {@code Any} types — with field paths and lines), then the meaning
 * of the decoded protos (unsupported fields and extensions, Envoy's own validation rules, and
 * references between resources). Fields that are set but ignored are logged once at WARN.
 */
public final class BootstrapLoader {
  private static final Logger LOG = LoggerFactory.getLogger(BootstrapLoader.class);
  private static final String CONFIG_YAML_ORIGIN = "--config-yaml";
  // Bootstraps are small, but generated ones with many static routes can pass SnakeYAML's 3 MB
  // default; 64 MB still bounds what a hostile file can make the parser hold.
  private static final int MAX_CODE_POINTS = 64 * 1024 * 1024;

  private enum Format { YAML, JSON, SNIFF }

  private BootstrapLoader() {}

  /** Reads and decodes a file (.yaml/.yml/.json; content sniffed if the extension is other). */
  public static LoadedBootstrap load(Path file) throws ConfigException {
    return load(file, null);
  }

  /** Decodes inline YAML/JSON text (Envoy's --config-yaml); 'origin' names it in errors (e.g. "--config-yaml"). */
  public static LoadedBootstrap parse(String text, String origin) throws ConfigException {
    List<String> errors = new ArrayList<>();
    Bootstrap bootstrap = parse(text, origin, Format.SNIFF, Bootstrap.getDefaultInstance(), "the bootstrap", errors);
    if (bootstrap == null) {
      throw new ConfigException(errors);
    }
    return decode(bootstrap, origin);
  }

  /**
   * Reads {@code file} and merges {@code overlayYaml} over it with protobuf {@code MergeFrom}, as
   * Envoy's {@code --config-yaml} does: set scalars replace, messages merge field by field, and
   * repeated fields (listeners, clusters) are appended. A null or blank overlay is ignored.
   */
  public static LoadedBootstrap load(Path file, String overlayYaml) throws ConfigException {
    String origin = file.toString();
    List<String> errors = new ArrayList<>();
    String text = read(file, errors);
    Bootstrap base = text == null ? null : parse(text, origin, formatOf(file), Bootstrap.getDefaultInstance(),
        "the bootstrap", errors);
    boolean hasOverlay = overlayYaml != null && !overlayYaml.isBlank();
    Bootstrap overlay = hasOverlay
        ? parse(overlayYaml, CONFIG_YAML_ORIGIN, Format.YAML, Bootstrap.getDefaultInstance(), "the bootstrap", errors)
        : null;
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    if (!hasOverlay) {
      return decode(base, origin);
    }
    return decode(base.toBuilder().mergeFrom(overlay).build(), origin + " + " + CONFIG_YAML_ORIGIN);
  }

  /**
   * Reads a file holding one YAML or JSON document of {@code prototype}'s type (an SDS file's
   * {@code DiscoveryResponse}), with the same checks and messages as a bootstrap; {@code what}
   * names the document in messages ("the secret file").
   */
  static <T extends Message> T readMessage(Path file, T prototype, String what) throws ConfigException {
    List<String> errors = new ArrayList<>();
    String text = read(file, errors);
    T message = text == null ? null : parseMessage(text, file, prototype, what, errors);
    if (message == null) {
      throw new ConfigException(errors);
    }
    return message;
  }

  /** {@link #readMessage} for text already read from {@code file}. */
  static <T extends Message> T parseMessage(String text, Path file, T prototype, String what, List<String> errors) {
    return parse(text, file.toString(), formatOf(file), prototype, what, errors);
  }

  /** The file's text; null after adding to {@code errors}. */
  private static String read(Path file, List<String> errors) {
    String origin = file.toString();
    try {
      return Files.readString(file);
    } catch (CharacterCodingException e) {
      errors.add(origin + ": not valid UTF-8 text");
    } catch (NoSuchFileException e) {
      errors.add(origin + ": cannot read the file: no such file");
    } catch (AccessDeniedException e) {
      errors.add(origin + ": cannot read the file: permission denied");
    } catch (IOException | SecurityException e) {
      errors.add(origin + ": cannot read the file: " + e);
    }
    return null;
  }

  private static Format formatOf(Path file) {
    Path name = file.getFileName();
    String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
    if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
      return Format.YAML;
    }
    return lower.endsWith(".json") ? Format.JSON : Format.SNIFF;
  }

  /** Text to a proto of {@code prototype}'s type; null after adding to {@code errors}. */
  private static <T extends Message> T parse(String text, String origin, Format format, T prototype, String what,
      List<String> errors) {
    if (text.isBlank()) {
      errors.add(origin + ": " + what + " is empty");
      return null;
    }
    boolean json = format == Format.JSON || (format == Format.SNIFF && JsonText.looksLikeJson(text));
    Node root;
    try {
      root = newYaml().compose(new StringReader(json ? JsonText.forYaml(text) : text));
    } catch (MarkedYAMLException e) {
      errors.add(origin + ": malformed " + (json ? "JSON" : "YAML") + at(e.getProblemMark()) + ": " + e.getProblem()
          + (e.getContext() == null ? "" : " (" + e.getContext() + at(e.getContextMark()) + ")"));
      return null;
    } catch (YAMLException e) {
      errors.add(origin + ": malformed " + (json ? "JSON" : "YAML") + ": " + e.getMessage());
      return null;
    }
    if (root == null) {
      errors.add(origin + ": " + what + " is empty");
      return null;
    }
    YamlProtoConverter.Result converted =
        YamlProtoConverter.convert(root, prototype.getDescriptorForType(), origin, EnvoyTypeRegistry.get());
    if (!converted.errors().isEmpty()) {
      errors.addAll(converted.errors());
      return null;
    }
    Message.Builder builder = prototype.newBuilderForType();
    try {
      JsonFormat.parser().usingTypeRegistry(EnvoyTypeRegistry.get()).merge(converted.json(), builder);
    } catch (InvalidProtocolBufferException e) {
      // The walk above checks what JsonFormat checks, so this is a backstop (e.g. a float out of range).
      errors.add(origin + ": " + e.getMessage());
      return null;
    }
    @SuppressWarnings("unchecked") // newBuilderForType builds the prototype's own type
    T message = (T) builder.build();
    return message;
  }

  /**
   * Composes a node tree only: nothing is constructed, so no YAML tag can instantiate a class, and
   * SnakeYAML's alias and nesting limits bound "billion laughs" documents. Duplicate keys are
   * detected by {@link YamlProtoConverter}, which knows their field path.
   */
  private static Yaml newYaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    options.setCodePointLimit(MAX_CODE_POINTS);
    return new Yaml(new SafeConstructor(options));
  }

  private static String at(Mark mark) {
    return mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
  }

  private static LoadedBootstrap decode(Bootstrap bootstrap, String origin) throws ConfigException {
    DecodeContext ctx = new DecodeContext(origin);
    Optional<DecodedBootstrap> config = BootstrapDecoder.decode(bootstrap, ctx, SecretFileLoader::read);
    for (String warning : ctx.warnings()) {
      LOG.warn("{}", warning);
    }
    for (String notice : ctx.notices()) {
      LOG.warn("{}", notice);
    }
    if (config.isEmpty()) {
      throw new ConfigException(ctx.errors());
    }
    try {
      // Envoy's /config_dump keeps proto field names (snake_case); tools accept either spelling.
      // Inline keys of static secrets and TLS contexts are redacted, as Envoy redacts them.
      String dump = JsonFormat.printer()
          .usingTypeRegistry(EnvoyTypeRegistry.get())
          .preservingProtoFieldNames()
          .print(SensitiveFields.redact(bootstrap));
      return new LoadedBootstrap(config.get().config(), dump, config.get().xds());
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException(List.of(origin + ": cannot render the bootstrap for /config_dump: " + e.getMessage()));
    }
  }
}
