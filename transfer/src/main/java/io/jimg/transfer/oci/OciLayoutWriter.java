package io.jimg.transfer.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.RegularFiles;
import io.jimg.btrfs.ReplacementFile;
import io.jimg.btrfs.Stat;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.oci.registry.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes an image into an OCI image layout directory ({@code push oci:DIR:TAG}): made where missing, each blob
 * written whole under a temporary name and then given its name, and {@code index.json} replaced in one rename with
 * the tag's entry added or replaced. A reader never sees a half-written blob or index; an interrupted write leaves
 * only a temporary named {@code .#jimg-new-…}.
 */
public final class OciLayoutWriter implements AutoCloseable {
  private static final byte[] TEMPORARY = FileNames.bytes(".#jimg-new-");
  private static final byte[] LAYOUT_MARKER =
      ("{\"imageLayoutVersion\":\"" + OciLayout.LAYOUT_VERSION + "\"}").getBytes(StandardCharsets.US_ASCII);

  private final Fd directory;
  private final Fd blobs;

  private OciLayoutWriter(Fd directory, Fd blobs) {
    this.directory = directory;
    this.blobs = blobs;
  }

  /** Opens the layout at {@code path}, making the directory (mode 0755), its marker and blobs/sha256 where missing. */
  public static OciLayoutWriter create(Path path) throws JimgException {
    Fd directory = null;
    try {
      directory = openOrMake(path);
      ensureMarker(directory);
      ensureDirectory(directory, OciLayout.BLOBS);
      try (Fd blobRoot = directory.openDirectory(OciLayout.BLOBS)) {
        ensureDirectory(blobRoot, OciLayout.SHA256);
        return new OciLayoutWriter(directory, blobRoot.openDirectory(OciLayout.SHA256));
      }
    } catch (NativeException e) {
      if (directory != null) {
        directory.close();
      }
      throw new JimgException(Reason.FAILED, "cannot write the image layout " + path + ": " + e.getMessage(), e);
    }
  }

  /** The directory as the user wrote its path; where it is missing, made in its parent and opened from there. */
  private static Fd openOrMake(Path path) throws NativeException {
    try {
      return Fd.openDirectory(path);
    } catch (NativeException e) {
      if (!e.is(Linux.ENOENT) || path.getFileName() == null) {
        throw e;
      }
    }
    Path parent = path.toAbsolutePath().getParent();
    try (Fd parentDirectory = Fd.openDirectory(parent)) {
      ensureDirectory(parentDirectory, path.getFileName().toString());
      return parentDirectory.openDirectory(path.getFileName().toString());
    }
  }

  private static void ensureDirectory(Fd parent, String name) throws NativeException {
    try {
      parent.mkdir(name, 0755);
    } catch (NativeException e) {
      if (!e.is(Linux.EEXIST)) {
        throw e;
      }
    }
  }

  private static void ensureMarker(Fd directory) throws NativeException, JimgException {
    if (directory.statIfExists(OciLayout.LAYOUT_FILE) != null) {
      OciLayout.open(directory.openDirectory(".")).close(); // an existing layout must be one jimg reads
      return;
    }
    writeFile(directory, OciLayout.LAYOUT_FILE, LAYOUT_MARKER);
  }

  /**
   * Whether the blob is there already as a regular file (a second push of the same layers writes none); anything
   * else under its name is replaced when the blob is written.
   */
  public boolean hasBlob(Digest digest) throws JimgException {
    try {
      Stat stat = blobs.statIfExists(digest.hex());
      return stat != null && stat.isRegular();
    } catch (NativeException e) {
      throw new JimgException(Reason.FAILED, "cannot look for blob " + digest + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the blob {@code digest} from {@code content}, which must be exactly {@code size} bytes whose digest the
   * caller computed (a push hashes what it exports; hashing again here would double the cost of every layer).
   * Where the blob is there already it is left as it is.
   */
  public void writeBlob(Digest digest, long size, InputStream content) throws JimgException {
    String hex = digest.hex();
    if (hasBlob(digest)) {
      return;
    }
    try (ReplacementFile file = ReplacementFile.create(blobs, FileNames.bytes(hex), TEMPORARY, 0644)) {
      byte[] buffer = new byte[1 << 16];
      long written = 0;
      for (int n = content.read(buffer); n > 0; n = content.read(buffer)) {
        file.fd().pwriteFully(buffer, n, written);
        written += n;
      }
      if (written != size) {
        throw new JimgException(Reason.FAILED, "blob " + digest + " has " + written + " bytes, not " + size);
      }
      file.fd().fsync();
      file.replace();
    } catch (IOException e) {
      throw e instanceof JimgException j ? j
          : new JimgException(Reason.FAILED, "cannot write blob " + digest + ": " + e.getMessage(), e);
    }
  }

  /**
   * Points {@code tag} at {@code manifest} in {@code index.json}: an entry with that tag is replaced, the others
   * kept as they are, and the new index takes the old one's place in one rename.
   */
  public void tag(String tag, Descriptor manifest) throws JimgException {
    ObjectNode index;
    try {
      index = directory.statIfExists(OciLayout.INDEX_FILE) == null ? emptyIndex()
          : (ObjectNode) OciLayout.json(directory, RegularFiles.read(directory,
              FileNames.bytes(OciLayout.INDEX_FILE), OciLayout.INDEX_MAX), OciLayout.INDEX_FILE);
      ArrayNode kept = OciLayout.JSON.createArrayNode();
      JsonNode manifests = index.path("manifests");
      for (JsonNode entry : manifests) {
        if (!tag.equals(entry.path("annotations").path(Descriptor.REF_NAME).asText(null))) {
          kept.add(entry);
        }
      }
      kept.add(entry(tag, manifest));
      index.set("manifests", kept);
      writeFile(directory, OciLayout.INDEX_FILE, OciLayout.JSON.writeValueAsBytes(index));
    } catch (IOException e) {
      throw e instanceof JimgException j ? j
          : new JimgException(Reason.FAILED, "cannot write " + directory.pathOf(FileNames.bytes(OciLayout.INDEX_FILE))
              + ": " + e.getMessage(), e);
    }
  }

  private static ObjectNode emptyIndex() {
    ObjectNode index = OciLayout.JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", "application/vnd.oci.image.index.v1+json");
    index.putArray("manifests");
    return index;
  }

  private static ObjectNode entry(String tag, Descriptor manifest) {
    ObjectNode entry = OciLayout.JSON.createObjectNode();
    entry.put("mediaType", manifest.mediaType());
    entry.put("digest", manifest.digest().toString());
    entry.put("size", manifest.size());
    Platform platform = manifest.platform();
    if (platform != null) {
      ObjectNode written = entry.putObject("platform");
      written.put("architecture", platform.architecture());
      written.put("os", platform.os());
      if (platform.variant() != null) {
        written.put("variant", platform.variant());
      }
    }
    entry.putObject("annotations").put(Descriptor.REF_NAME, tag);
    return entry;
  }

  private static void writeFile(Fd directory, String name, byte[] content) throws NativeException {
    try (ReplacementFile file = ReplacementFile.create(directory, FileNames.bytes(name), TEMPORARY, 0644)) {
      file.fd().pwriteFully(content, content.length, 0);
      file.fd().fsync();
      file.replace();
    }
  }

  @Override
  public void close() {
    blobs.close();
    directory.close();
  }
}
