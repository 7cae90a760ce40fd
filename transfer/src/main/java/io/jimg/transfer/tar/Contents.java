package io.jimg.transfer.tar;

import io.jimg.transfer.compress.UnreadCompression;
import java.util.Arrays;
import java.util.Optional;

/**
 * What the first bytes of an input plainly are, by their magic numbers, for a message that says what was given
 * instead of a tar archive or a disk image: a disk with a partition table, a filesystem, qcow2, an archive or
 * compressed stream of a kind jimg does not read, a tar archive, text. A guess for messages only: nothing is
 * decided by it.
 */
public final class Contents {
  /** How many bytes of the input a message quotes. */
  private static final int QUOTED = 16;
  private static final String DISK_VERBS = "import-raw and pull-raw take disk images";

  private Contents() {}

  /**
   * Why the input is not a tar archive, for an input whose bytes before {@code offset} are all zeros and whose block
   * at {@code offset} ({@code length} bytes of {@code block}) is no tar header.
   */
  static TarException notATar(long offset, byte[] block, int length) {
    Optional<String> known = foreignFormat(offset, block, length);
    if (known.isPresent()) {
      return new TarException("not a tar archive but " + known.get());
    }
    return new TarException("not a tar archive (starts with " + (offset > 0 ? offset + " zero bytes, then " : "")
        + quote(block, length) + ")");
  }

  /**
   * Why the start of a raw image is plainly no disk image, or empty: a tar archive, text, a compressed stream jimg
   * does not read. {@code head} holds the image's first {@code length} bytes (all of them if it is shorter).
   */
  public static Optional<String> notADiskImage(byte[] head, int length) {
    if (length >= TarHeader.BLOCK && !TarHeader.isZero(head) && TarHeader.checksumMatches(head)) {
      return Optional.of("it is a tar archive, not a disk image: import-tar and pull-tar take tar archives");
    }
    UnreadCompression compression = UnreadCompression.detect(head, length);
    if (compression != null) {
      return Optional.of(compression.message("it"));
    }
    Optional<String> archive = otherArchive(head, length);
    if (archive.isPresent()) {
      return archive.map(kind -> "it is " + kind + ", not a disk image");
    }
    if (length > 0 && isText(head, Math.min(length, TarHeader.BLOCK))) {
      return Optional.of("it starts with text (" + quote(head, length) + "), not a disk image");
    }
    return Optional.empty();
  }

  /** A known format other than tar at {@code offset}, named with what takes it. */
  private static Optional<String> foreignFormat(long offset, byte[] block, int length) {
    if (offset == 0) {
      if (at(block, length, 0, 'Q', 'F', 'I', 0xfb)) {
        return Optional.of("a qcow2 disk image: " + DISK_VERBS);
      }
      if (at(block, length, 0, 'X', 'F', 'S', 'B')) {
        return Optional.of("an XFS filesystem: " + DISK_VERBS);
      }
      if (at(block, length, 0, 'h', 's', 'q', 's')) {
        return Optional.of("a squashfs filesystem: " + DISK_VERBS);
      }
      if (at(block, length, 510, 0x55, 0xaa)) {
        // A protective MBR's one partition has type 0xEE: the real table is the GPT behind it.
        String table = at(block, length, 450, 0xee) ? "a GPT" : "an MBR";
        return Optional.of("a disk image with " + table + " partition table: " + DISK_VERBS);
      }
      return otherArchive(block, length);
    }
    if (offset == 1024 && at(block, length, 56, 0x53, 0xef)) {
      return Optional.of("an ext2/3/4 filesystem (superblock at byte 1024): " + DISK_VERBS);
    }
    if (offset == 65536 && at(block, length, 64, '_', 'B', 'H', 'R', 'f', 'S', '_', 'M')) {
      return Optional.of("a btrfs filesystem (superblock at byte 65536): " + DISK_VERBS);
    }
    return Optional.empty();
  }

  /** An archive of another kind, which jimg does not read. */
  private static Optional<String> otherArchive(byte[] head, int length) {
    if (at(head, length, 0, 'P', 'K', 0x03, 0x04)) {
      return Optional.of("a zip archive, which jimg does not read");
    }
    if (at(head, length, 0, '7', 'z', 0xbc, 0xaf, 0x27, 0x1c)) {
      return Optional.of("a 7-Zip archive, which jimg does not read");
    }
    return Optional.empty();
  }

  private static boolean at(byte[] block, int length, int offset, int... magic) {
    if (offset + magic.length > length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((block[offset + i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /** No NUL or other control byte but tabs and line ends (bytes of UTF-8 text pass). */
  private static boolean isText(byte[] head, int length) {
    for (int i = 0; i < length; i++) {
      int b = head[i] & 0xff;
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static String quote(byte[] block, int length) {
    return "\"" + TarEntry.show(Arrays.copyOf(block, Math.min(length, QUOTED))) + "\"";
  }
}
