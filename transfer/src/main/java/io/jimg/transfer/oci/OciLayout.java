package io.jimg.transfer.oci;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.RegularFiles;
import io.jimg.btrfs.WrongFileType;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An OCI image layout directory (the {@code oci:} transport), read: its {@code oci-layout} marker,
 * {@code index.json} and blobs. Everything is reached relative to the layout's descriptor, never through a
 * symlink, and only as a regular file: a layout is someone else's files, and a symlinked blob, a blob that is a
 * directory or a digest that is a path are refused.
 */
public final class OciLayout implements AutoCloseable {
  static final String LAYOUT_FILE = "oci-layout";
  static final String INDEX_FILE = "index.json";
  static final String BLOBS = "blobs";
  static final String SHA256 = "sha256";
  static final String LAYOUT_VERSION = "1.0.0";
  static final int INDEX_MAX = 4 << 20;
  static final int LAYOUT_FILE_MAX = 64 << 10;
  static final int MANIFESTS_MAX = 4096;
  static final ObjectMapper JSON = new ObjectMapper();

  private final Fd directory;
  private final byte[] index;
  private final List<Descriptor> manifests;

  private OciLayout(Fd directory, byte[] index, List<Descriptor> manifests) {
    this.directory = directory;
    this.index = index;
    this.manifests = List.copyOf(manifests);
  }

  /** Opens the layout at {@code path} (the path as the user wrote it; inside the layout nothing is followed). */
  public static OciLayout open(Path path) throws JimgException {
    Fd directory;
    try {
      directory = Fd.openDirectory(path);
    } catch (NativeException e) {
      throw new JimgException(e.is(Linux.ENOENT) ? Reason.NOT_FOUND : Reason.FAILED,
          "cannot open the image layout " + path + ": " + e.getMessage(), e);
    }
    return open(directory);
  }

  /** Reads the layout in {@code directory}, which the returned layout owns and closes. */
  public static OciLayout open(Fd directory) throws JimgException {
    try {
      checkMarker(directory);
      byte[] index = read(directory, INDEX_FILE, INDEX_MAX);
      return new OciLayout(directory, index, descriptors(directory, index));
    } catch (JimgException | RuntimeException e) {
      directory.close();
      throw e;
    }
  }

  private static void checkMarker(Fd directory) throws JimgException {
    JsonNode marker = json(directory, read(directory, LAYOUT_FILE, LAYOUT_FILE_MAX), LAYOUT_FILE);
    JsonNode version = marker.get("imageLayoutVersion");
    if (version == null || !LAYOUT_VERSION.equals(version.asText())) {
      throw wrong(directory, LAYOUT_FILE + " gives imageLayoutVersion "
          + (version == null ? "none" : "'" + Untrusted.shown(version.asText()) + "'") + ", not " + LAYOUT_VERSION);
    }
  }

  private static List<Descriptor> descriptors(Fd directory, byte[] index) throws JimgException {
    JsonNode manifests = json(directory, index, INDEX_FILE).get("manifests");
    if (manifests == null || !manifests.isArray()) {
      throw wrong(directory, INDEX_FILE + " has no manifests list");
    }
    if (manifests.size() > MANIFESTS_MAX) {
      throw wrong(directory, INDEX_FILE + " lists " + manifests.size() + " manifests, over the " + MANIFESTS_MAX
          + " jimg reads");
    }
    List<Descriptor> descriptors = new ArrayList<>();
    for (JsonNode entry : manifests) {
      descriptors.add(descriptor(directory, entry));
    }
    return descriptors;
  }

  private static Descriptor descriptor(Fd directory, JsonNode entry) throws JimgException {
    String digest = text(entry, "digest");
    if (!Digest.isValid(digest)) {
      throw wrong(directory, INDEX_FILE + " names '" + Untrusted.shown(digest) + "', which is not a sha256 digest");
    }
    JsonNode size = entry.get("size");
    if (size == null || !size.canConvertToLong() || size.asLong() < 0) {
      throw wrong(directory, INDEX_FILE + " gives no valid size for " + digest);
    }
    String mediaType = text(entry, "mediaType");
    if (mediaType == null) {
      throw wrong(directory, INDEX_FILE + " gives no media type for " + digest);
    }
    JsonNode platform = entry.path("platform");
    String os = text(platform, "os");
    String architecture = text(platform, "architecture");
    String refName = text(entry.path("annotations"), Descriptor.REF_NAME);
    return new Descriptor(mediaType, Digest.parse(digest), size.asLong(),
        os == null || os.isEmpty() || architecture == null || architecture.isEmpty() ? null
            : new Platform(os, architecture, text(platform, "variant")),
        refName == null ? Map.of() : Map.of(Descriptor.REF_NAME, refName));
  }

  private static String text(JsonNode node, String key) {
    JsonNode value = node.get(key);
    return value == null || !value.isTextual() ? null : value.asText();
  }

  /** The bytes of {@code index.json} as they are on disk, for the registry model to parse. */
  public byte[] indexJson() {
    return index.clone();
  }

  /** The entries of {@code index.json}, in order. */
  public List<Descriptor> manifests() {
    return manifests;
  }

  /**
   * The entry tagged {@code tag}; with no tag, the only entry (as containers/image picks it), and an error
   * listing the tags where there are several. NOT_FOUND where the tag is not there.
   */
  public Descriptor find(String tag) throws JimgException {
    if (tag == null) {
      if (manifests.size() == 1) {
        return manifests.get(0);
      }
      throw new JimgException(manifests.isEmpty() ? Reason.NOT_FOUND : Reason.USAGE, "the image layout "
          + directory.path() + (manifests.isEmpty() ? " holds no image" : " holds " + manifests.size()
          + " images; name one with :TAG (" + tags() + ")"));
    }
    Descriptor found = null;
    for (Descriptor manifest : manifests) {
      if (manifest.refName().filter(tag::equals).isPresent()) {
        if (found != null) {
          throw wrong(directory, INDEX_FILE + " tags several images '" + Untrusted.shown(tag) + "'");
        }
        found = manifest;
      }
    }
    if (found == null) {
      throw new JimgException(Reason.NOT_FOUND, "the image layout " + directory.path() + " has no image tagged '"
          + Untrusted.shown(tag) + "' (" + tags() + ")");
    }
    return found;
  }

  private String tags() {
    String tags = manifests.stream().flatMap(manifest -> manifest.refName().stream())
        .map(Untrusted::shown).distinct().limit(20).collect(Collectors.joining(", "));
    return tags.isEmpty() ? "no tags" : "tags: " + tags;
  }

  /**
   * Opens the blob {@code digest} for reading: {@code blobs/sha256/HEX}, each step without following a symlink,
   * and only where it is a regular file. NOT_FOUND where it is missing; the caller checks its size and digest.
   */
  public Fd openBlob(Digest digest) throws JimgException {
    String hex = digest.hex();
    String shown = BLOBS + "/" + SHA256 + "/" + hex;
    try (Fd blobs = directory.openDirectory(BLOBS); Fd sha256 = blobs.openDirectory(SHA256)) {
      return RegularFiles.open(sha256, hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          Linux.O_RDONLY | Linux.O_NOCTTY);
    } catch (WrongFileType e) {
      throw wrong(directory, shown + " is not a regular file (" + e.getMessage() + ")");
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT)) {
        throw new JimgException(Reason.NOT_FOUND, "the image layout " + directory.path() + " has no blob " + digest);
      }
      throw wrong(directory, "cannot open " + shown + ": " + e.getMessage()
          + (e.is(Linux.ELOOP) || e.is(Linux.ENOTDIR) ? " (a symbolic link is not followed inside a layout)" : ""));
    }
  }

  /** The whole blob {@code digest}, at most {@code max} bytes (manifests and configs: small by contract). */
  public byte[] readBlob(Digest digest, int max) throws JimgException {
    try (Fd blob = openBlob(digest)) {
      return RegularFiles.read(blob, max);
    } catch (NativeException e) {
      throw wrong(directory, "cannot read blob " + digest + ": "
          + (e.is(Linux.EFBIG) ? "it is larger than " + max + " bytes" : e.getMessage()));
    }
  }

  /** The layout's directory, as it was opened (for messages and for the writer). */
  public String path() {
    return directory.path();
  }

  @Override
  public void close() {
    directory.close();
  }

  private static byte[] read(Fd directory, String name, int max) throws JimgException {
    try {
      return RegularFiles.read(directory, name.getBytes(java.nio.charset.StandardCharsets.US_ASCII), max);
    } catch (WrongFileType e) {
      throw wrong(directory, e.getMessage());
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT)) {
        throw wrong(directory, "it has no " + name + "; is it an OCI image layout?");
      }
      throw wrong(directory, "cannot read " + name + ": "
          + (e.is(Linux.EFBIG) ? "it is larger than " + (max >> 10) + " KiB" : e.getMessage()));
    }
  }

  static JsonNode json(Fd directory, byte[] content, String name) throws JimgException {
    try {
      JsonNode node = JSON.readTree(content);
      if (node == null || !node.isObject()) {
        throw wrong(directory, name + " is not a JSON object");
      }
      return node;
    } catch (JacksonException e) {
      throw wrong(directory, name + " is not valid JSON (" + e.getOriginalMessage().lines().findFirst().orElse("")
          + ")");
    } catch (IOException e) {
      throw wrong(directory, "cannot parse " + name + ": " + e.getMessage());
    }
  }

  static JimgException wrong(Fd directory, String problem) {
    return new JimgException(Reason.FAILED, "image layout " + directory.path() + ": " + problem);
  }
}
