package io.jimg.images;

import io.jimg.btrfs.FileNames;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The names of a pool's OCI layers: {@code .oci-layer-sha256-<hex>} for the read-only subvolume of the layer whose
 * chain id is {@code sha256:<hex>}, {@code .oci-layer-sha256-<hex>.use} beside it for its size and last use, and
 * {@code .#.oci-layer-sha256-<hex>.lck} for its lock. The names are hidden, and no image name reaches them: the
 * store's discovery passes them over, so that show, rename, remove and clean of an image never touch a layer.
 */
final class LayerNames {
  static final String PREFIX = ".oci-layer-sha256-";
  static final String USE_SUFFIX = ".use";
  /** The companion beside an image made from layers: its chain ids, top first, one a line. */
  static final String CHAIN_SUFFIX = ".oci-layers";
  private static final Pattern CHAIN_ID = Pattern.compile("sha256:[0-9a-f]{64}");

  private LayerNames() {}

  static boolean isChainId(String text) {
    return text != null && CHAIN_ID.matcher(text).matches();
  }

  /** The layer subvolume's file name for a chain id; USAGE where it is no {@code sha256:} and 64 hex digits. */
  static byte[] fileName(String chainId) throws JimgException {
    if (!isChainId(chainId)) {
      throw new JimgException(JimgException.Reason.USAGE, "not a layer's chain id (sha256: and 64 hex digits): "
          + (chainId == null ? "none" : ImageNames.show(chainId.length() > 80 ? chainId.substring(0, 80) : chainId)));
    }
    return FileNames.bytes(PREFIX + chainId.substring("sha256:".length()));
  }

  static byte[] useName(String chainId) throws JimgException {
    return FileNames.bytes(new String(fileName(chainId), StandardCharsets.UTF_8) + USE_SUFFIX);
  }

  static byte[] lockName(String chainId) throws JimgException {
    return ImageLocks.lockName(fileName(chainId));
  }

  /** Whether a pool entry's name is a layer's (its subvolume or its use record), which no image name may be. */
  static boolean isLayerName(byte[] name) {
    byte[] prefix = FileNames.bytes(PREFIX);
    return Work.startsWith(name, prefix);
  }

  /** The chain id a layer subvolume's file name stands for, or null where it is none. */
  static String chainId(byte[] fileName) {
    String name = new String(fileName, StandardCharsets.UTF_8);
    if (!name.startsWith(PREFIX)) {
      return null;
    }
    String chainId = "sha256:" + name.substring(PREFIX.length());
    return isChainId(chainId) ? chainId : null;
  }
}
