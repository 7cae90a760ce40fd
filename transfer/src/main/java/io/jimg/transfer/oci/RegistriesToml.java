package io.jimg.transfer.oci;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one registries.conf file says, in containers/image's version 2 format: only the keys jimg acts on, each
 * checked as sysregistriesv2 checks it, an error naming the file otherwise. Keys it does not know are left alone,
 * as podman leaves them.
 */
final class RegistriesToml {
  private static final TomlMapper TOML = new TomlMapper();
  private static final List<String> SHORT_NAME_MODES = List.of("enforcing", "permissive", "disabled");

  /** What the file set; null where it did not set it, so that a drop-in overrides only what it names. */
  record Partial(List<String> searchRegistries, Map<String, String> aliases, List<RegistryEntry> registries,
      String shortNameMode) {}

  private RegistriesToml() {}

  static Partial parse(byte[] content, Path source) throws JimgException {
    JsonNode root;
    try {
      root = TOML.readTree(content);
    } catch (JacksonException e) {
      throw wrong(source, "not valid TOML: " + firstLine(e.getOriginalMessage()));
    } catch (java.io.IOException e) {
      throw wrong(source, firstLine(e.getMessage()));
    }
    if (root == null || root.isMissingNode()) {
      return new Partial(null, Map.of(), List.of(), null);
    }
    if (root.has("registries")) {
      throw wrong(source, "the version 1 format ([registries.search] …) is not supported: write"
          + " unqualified-search-registries and [[registry]] tables");
    }
    return new Partial(searchRegistries(root, source), aliases(root, source), registries(root, source),
        shortNameMode(root, source));
  }

  private static List<String> searchRegistries(JsonNode root, Path source) throws JimgException {
    JsonNode list = root.get("unqualified-search-registries");
    if (list == null) {
      return null;
    }
    if (!list.isArray()) {
      throw wrong(source, "unqualified-search-registries must be a list of registries");
    }
    List<String> registries = new ArrayList<>();
    for (JsonNode registry : list) {
      String host = text(registry, source, "unqualified-search-registries");
      if (!ReferenceGrammar.DOMAIN.matcher(host).matches()) {
        throw wrong(source, "'" + Untrusted.shown(host) + "' in unqualified-search-registries is not a registry");
      }
      registries.add(host);
    }
    return registries;
  }

  private static Map<String, String> aliases(JsonNode root, Path source) throws JimgException {
    JsonNode table = root.get("aliases");
    Map<String, String> aliases = new LinkedHashMap<>();
    if (table == null) {
      return aliases;
    }
    if (!table.isObject()) {
      throw wrong(source, "[aliases] must be a table of short names");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> alias = it.next();
      String key = alias.getKey();
      String value = text(alias.getValue(), source, "alias '" + Untrusted.shown(key) + "'");
      DockerReference shortName = reference(key, source);
      if (!shortName.isShortName() || shortName.tag().isPresent() || shortName.digest().isPresent()) {
        throw wrong(source, "alias '" + Untrusted.shown(key) + "' must be a short name without tag or digest");
      }
      DockerReference target = reference(value, source);
      if (target.isShortName() || target.tag().isPresent() || target.digest().isPresent()) {
        throw wrong(source, "alias '" + Untrusted.shown(key) + "' must name a registry and a repository without tag"
            + " or digest, not '" + Untrusted.shown(value) + "'");
      }
      aliases.put(shortName.shortName().orElseThrow(), target.name());
    }
    return aliases;
  }

  private static List<RegistryEntry> registries(JsonNode root, Path source) throws JimgException {
    JsonNode list = root.get("registry");
    List<RegistryEntry> entries = new ArrayList<>();
    if (list == null) {
      return entries;
    }
    if (!list.isArray()) {
      throw wrong(source, "registry must be written as [[registry]] tables");
    }
    for (JsonNode table : list) {
      String location = optionalText(table, "location", source);
      String prefix = optionalText(table, "prefix", source);
      if (prefix == null || prefix.isEmpty()) {
        prefix = location;
      }
      if (prefix == null || prefix.isEmpty()) {
        throw wrong(source, "a [[registry]] needs a prefix or a location");
      }
      if (location == null || location.isEmpty()) {
        location = prefix.startsWith("*.") ? "" : prefix;
      } else if (prefix.startsWith("*.")) {
        throw wrong(source, "the wildcard prefix '" + Untrusted.shown(prefix) + "' cannot have a location");
      }
      checkLocation(location, source);
      List<RegistryEntry.Mirror> mirrors = new ArrayList<>();
      JsonNode mirrorList = table.get("mirror");
      if (mirrorList != null) {
        for (JsonNode mirror : mirrorList) {
          String mirrorLocation = optionalText(mirror, "location", source);
          if (mirrorLocation == null || mirrorLocation.isEmpty()) {
            throw wrong(source, "a [[registry.mirror]] of '" + Untrusted.shown(prefix) + "' has no location");
          }
          checkLocation(mirrorLocation, source);
          mirrors.add(new RegistryEntry.Mirror(mirrorLocation, flag(mirror, "insecure", source)));
        }
      }
      entries.add(new RegistryEntry(prefix, location, flag(table, "insecure", source), flag(table, "blocked", source),
          mirrors, source));
    }
    return entries;
  }

  /** A location is a registry and an optional repository path, without a URL scheme (sysregistriesv2's rule). */
  private static void checkLocation(String location, Path source) throws JimgException {
    if (location.contains("://")) {
      throw wrong(source, "location '" + Untrusted.shown(location) + "' has a URL scheme; write HOST[:PORT][/PATH]");
    }
  }

  private static String shortNameMode(JsonNode root, Path source) throws JimgException {
    String mode = optionalText(root, "short-name-mode", source);
    if (mode != null && !mode.isEmpty() && !SHORT_NAME_MODES.contains(mode)) {
      throw wrong(source, "short-name-mode '" + Untrusted.shown(mode) + "' is none of " + SHORT_NAME_MODES);
    }
    return mode == null || mode.isEmpty() ? null : mode;
  }

  private static DockerReference reference(String text, Path source) throws JimgException {
    try {
      return DockerReference.parse(text);
    } catch (JimgException e) {
      throw wrong(source, e.getMessage());
    }
  }

  private static String optionalText(JsonNode table, String key, Path source) throws JimgException {
    JsonNode value = table.get(key);
    return value == null ? null : text(value, source, key);
  }

  private static String text(JsonNode value, Path source, String what) throws JimgException {
    if (!value.isTextual()) {
      throw wrong(source, what + " must be a string");
    }
    return value.asText();
  }

  private static boolean flag(JsonNode table, String key, Path source) throws JimgException {
    JsonNode value = table.get(key);
    if (value == null) {
      return false;
    }
    if (!value.isBoolean()) {
      throw wrong(source, key + " must be true or false");
    }
    return value.asBoolean();
  }

  private static String firstLine(String message) {
    String line = message == null ? "" : message.strip();
    int end = line.indexOf('\n');
    return end < 0 ? line : line.substring(0, end);
  }

  static JimgException wrong(Path source, String problem) {
    return new JimgException(Reason.FAILED, "cannot use " + source + ": " + problem);
  }
}
