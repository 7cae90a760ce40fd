package io.jimg.images;

import io.jimg.btrfs.FileNames;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Which names are image names, as systemd decides it, and the file names an image's name maps to. */
final class ImageNames {
  private ImageNames() {}

  /** New names leave room for {@code .#NAME.lck}, {@code NAME.nspawn} and {@code NAME.raw} within NAME_MAX. */
  static final int NEW_NAME_MAX = 200;

  static final String RAW_SUFFIX = ".raw";

  /** Checks a name a caller gave for an existing image; throws USAGE saying what is wrong with it. */
  static byte[] existing(String name) throws JimgException {
    return check(name, FileNames.NAME_MAX);
  }

  /** Checks a name for a new image, which must be shorter than an existing one may be. */
  static byte[] fresh(String name) throws JimgException {
    return check(name, NEW_NAME_MAX);
  }

  private static byte[] check(String name, int maxBytes) throws JimgException {
    if (name == null || name.isEmpty()) {
      throw usage(String.valueOf(name), "an image name cannot be empty");
    }
    String problem = problem(name, maxBytes);
    if (problem != null) {
      throw usage(name, problem);
    }
    return FileNames.bytes(name);
  }

  /** Why a name is not an acceptable image name, or null where it is. */
  static String problem(String name, int maxBytes) {
    if (name.isEmpty()) {
      return "an image name cannot be empty";
    }
    if (name.equals(".") || name.equals("..")) {
      return "'.' and '..' are not image names";
    }
    if (name.startsWith(".#")) {
      return "names starting with '.#' are temporaries and locks, not images";
    }
    if (name.startsWith(LayerNames.PREFIX)) {
      return "names starting with '" + LayerNames.PREFIX + "' are the store's OCI layers, not images";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/') {
        return "an image name cannot contain '/'";
      }
      if (c < 0x20 || c == 0x7f) {
        return "an image name cannot contain control characters";
      }
    }
    try {
      // A lone surrogate has no UTF-8 form; String.getBytes would silently turn it into '?'.
      StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(name));
    } catch (CharacterCodingException e) {
      return "an image name must be valid UTF-8";
    }
    int length = FileNames.bytes(name).length;
    if (length > maxBytes) {
      return "an image name may have at most " + maxBytes + " bytes, this one has " + length;
    }
    return null;
  }

  /** The image name a directory entry stands for, or null where the entry is no image name (temporaries too). */
  static String fromFileName(byte[] fileName) {
    if (!FileNames.isUtf8(fileName)) {
      return null;
    }
    String name = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(fileName)).toString();
    return problem(name, FileNames.NAME_MAX) == null ? name : null;
  }

  static boolean isHidden(String name) {
    return name.startsWith(".");
  }

  static byte[] rawFileName(String name) {
    return FileNames.bytes(name + RAW_SUFFIX);
  }

  static String show(String name) {
    return "'" + name.replaceAll("\\p{Cntrl}", "?") + "'";
  }

  private static JimgException usage(String name, String problem) {
    return new JimgException(JimgException.Reason.USAGE, "invalid image name " + show(name) + ": " + problem);
  }
}
