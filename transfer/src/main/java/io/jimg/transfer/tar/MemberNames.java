package io.jimg.transfer.tar;

import io.jimg.btrfs.FileNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The names of archive members as an extraction checks and keys them: split into components (no NUL, no
 * {@code ..}, none too long, not too deep), and joined again into the keys that stand for paths already made.
 */
final class MemberNames {
  private MemberNames() {}

  static final int MAX_DEPTH = 128;

  /** The checked components of a name: no NUL, no {@code ..}, none over 255 bytes, at most 128 deep. */
  static List<byte[]> components(byte[] path, TarEntry e) throws TarException {
    if (indexOf(path, (byte) 0) >= 0) {
      throw Extraction.fail(e, "the name holds a NUL byte");
    }
    List<byte[]> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i == path.length || path[i] == '/') {
        int length = i - start;
        if (length == 2 && path[start] == '.' && path[start + 1] == '.') {
          throw Extraction.fail(e, "the name has a '..' component");
        }
        if (length > FileNames.NAME_MAX) {
          throw Extraction.fail(e, "a component of the name is longer than 255 bytes");
        }
        if (length > 0 && !(length == 1 && path[start] == '.')) {
          parts.add(Arrays.copyOfRange(path, start, i));
          if (parts.size() > MAX_DEPTH) {
            throw Extraction.fail(e, "the name is more than " + MAX_DEPTH + " directories deep");
          }
        }
        start = i + 1;
      }
    }
    return parts;
  }

  /** The first {@code depth} components joined by '/', as Latin-1, which keeps every byte as one char. */
  static String key(List<byte[]> components, int depth) {
    int length = Math.max(0, depth - 1);
    for (int i = 0; i < depth; i++) {
      length += components.get(i).length;
    }
    byte[] key = new byte[length];
    int at = 0;
    for (int i = 0; i < depth; i++) {
      if (i > 0) {
        key[at++] = '/';
      }
      byte[] component = components.get(i);
      System.arraycopy(component, 0, key, at, component.length);
      at += component.length;
    }
    return new String(key, StandardCharsets.ISO_8859_1);
  }

  static String linkKey(TarEntry e) throws TarException {
    List<byte[]> target = components(e.linkPath, e);
    return key(target, target.size());
  }

  static String showPath(List<byte[]> components, int depth) {
    return TarEntry.show(key(components, depth).getBytes(StandardCharsets.ISO_8859_1));
  }

  static int indexOf(byte[] bytes, byte value) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == value) {
        return i;
      }
    }
    return -1;
  }
}
