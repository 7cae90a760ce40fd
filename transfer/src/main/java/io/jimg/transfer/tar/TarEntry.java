package io.jimg.transfer.tar;

import io.jimg.btrfs.FileNames;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One archive member as read, before any check against the filesystem. Names, link targets and xattr values
 * are bytes exactly as the archive holds them; xattr names are Latin-1 Strings, which carry any byte unchanged.
 */
final class TarEntry {
  enum Kind { FILE, HARDLINK, SYMLINK, CHARACTER_DEVICE, BLOCK_DEVICE, DIRECTORY, FIFO }

  Kind kind;
  byte[] path;
  byte[] linkPath;
  int mode;
  long uid;
  long gid;
  /** Bytes of data that follow the header in the archive (for sparse files, only the stored regions). */
  long size;
  /** The file's length once expanded; equals size unless sparse. */
  long realSize;
  /** Data regions as offset, length pairs in file order; null when the file is not sparse. */
  long[] sparseMap;
  long mtimeSeconds;
  int mtimeNanos;
  /** Null where the archive gives no access time. */
  Long atimeSeconds;
  int atimeNanos;
  long deviceMajor;
  long deviceMinor;
  final Map<String, byte[]> xattrs = new LinkedHashMap<>();
  String aclAccess;
  String aclDefault;
  /** Where the entry's first header starts, for messages. */
  long headerOffset;

  String displayName() {
    return show(path);
  }

  /** The display name, so that a message can name the entry without building the name before it is needed. */
  @Override
  public String toString() {
    return displayName();
  }

  /** A name for a message: control characters escaped, so that a hostile name cannot rewrite the terminal. */
  static String show(byte[] name) {
    String text = FileNames.show(name);
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  Instant modified() {
    return Instant.ofEpochSecond(mtimeSeconds, mtimeNanos);
  }

  /** The access time the archive gives, else its modification time. */
  Instant accessed() {
    return atimeSeconds == null ? modified() : Instant.ofEpochSecond(atimeSeconds, atimeNanos);
  }
}
