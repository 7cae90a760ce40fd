package io.jimg.transfer.tar;

import static io.jimg.btrfs.Linux.O_DIRECTORY;
import static io.jimg.btrfs.Linux.O_NOFOLLOW;
import static io.jimg.btrfs.Linux.O_RDONLY;
import static io.jimg.transfer.tar.MemberNames.key;

import io.jimg.btrfs.DirEntry;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Stat;
import io.jimg.btrfs.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What applying an OCI layer onto its parents' tree does beyond an import: its whiteouts, and the times of the
 * lower directories it changes. The whiteouts (image-spec layer.md): {@code DIR/.wh.NAME} removes {@code DIR/NAME} of the layers
 * below, {@code DIR/.wh..wh..opq} removes everything in {@code DIR} that the layers below put there. A whiteout
 * hides the lower layers only: what this layer makes stays, whatever the order of the tar's entries, so the
 * extraction's record of what it made decides. Whiteouts never become files. {@code DIR} is reached as every
 * parent is, one component at a time with no symlink followed; NAME must be a plain name ({@code .}, {@code ..}
 * and nothing are refused), so a whiteout cannot reach outside the root or remove the root itself.
 */
final class Overlay {
  /** What a lower directory's times cost to keep, beyond its path. */
  private static final int TIMES_OVERHEAD = 160;
  private static final byte[] PREFIX = ".wh.".getBytes(StandardCharsets.US_ASCII);
  /** AUFS's metadata names, of which OCI keeps only the opaque marker. */
  private static final byte[] META_PREFIX = ".wh..wh.".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OPAQUE = ".wh..wh..opq".getBytes(StandardCharsets.US_ASCII);

  private final Extraction extraction;
  /**
   * The lower directories the layer changed (made or removed names in), by path, with their times before: those
   * the layer has no entry for get them back at the end, as the layers below had them (and as umoci does).
   */
  private final Map<String, Stat> lowerTimes = new LinkedHashMap<>();

  Overlay(Extraction extraction) {
    this.extraction = extraction;
  }

  /** Applies the entry where it is a whiteout; false where it is an ordinary entry for the extraction to make. */
  boolean appliedWhiteout(List<byte[]> components, TarEntry e) throws IOException {
    int last = components.size() - 1;
    for (int i = 0; i < last; i++) {
      if (startsWith(components.get(i), PREFIX)) {
        throw Extraction.fail(e, "a whiteout name stands for a directory in its path");
      }
    }
    if (last < 0 || !startsWith(components.get(last), PREFIX)) {
      return false;
    }
    byte[] name = components.get(last);
    if (Arrays.equals(name, OPAQUE)) {
      Fd directory = extraction.directoryIfExists(components, last, e);
      if (directory != null) {
        try (Fd listed = directory.open(new byte[] {'.'}, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)) {
          removeLower(listed, key(components, last));
        }
      }
      return true;
    }
    if (startsWith(name, META_PREFIX)) {
      return true; // other AUFS metadata (hard link directories) carries nothing OCI applies
    }
    byte[] target = Arrays.copyOfRange(name, PREFIX.length, name.length);
    if (target.length == 0 || Arrays.equals(target, new byte[] {'.'}) || Arrays.equals(target, new byte[] {'.', '.'})) {
      throw Extraction.fail(e, "its whiteout names no file below its directory ('.', '..' or nothing)");
    }
    Fd directory = extraction.directoryIfExists(components, last, e);
    if (directory == null) {
      return true; // nothing below to hide
    }
    String key = child(key(components, last), target);
    if (!extraction.madeHere(key) && directory.statIfExists(target) != null) {
      Trees.remove(directory, target);
      extraction.forget(key);
    }
    return true;
  }

  /**
   * Removes what the layers below left in {@code directory}: what this layer made stays, and the directories it
   * made or put entries in are cleared the same way, down to its own entries.
   */
  private void removeLower(Fd directory, String key) throws IOException {
    for (DirEntry entry : directory.list()) {
      String childKey = child(key, entry.name());
      if (extraction.directoryMadeHere(childKey)) {
        try (Fd child = directory.open(entry.name(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW)) {
          removeLower(child, childKey);
        }
      } else if (!extraction.madeHere(childKey)) {
        Trees.remove(directory, entry.name());
        extraction.forget(childKey);
      }
    }
  }

  /**
   * Makes room for an entry where the layers below have a directory and it is none, or the other way round: what
   * was there goes, a directory with all it holds. False where the entry's own kind is there, or this layer made it
   * (the extraction then decides, as an import does).
   */
  boolean replacedLower(Fd parent, byte[] name, String key, Stat existing, TarEntry e) throws IOException {
    if (extraction.madeHere(key) || existing.isDirectory() == (e.kind == TarEntry.Kind.DIRECTORY)) {
      return false;
    }
    Trees.remove(parent, name);
    extraction.forget(key);
    return true;
  }

  /** Keeps the times of a lower directory the layer is about to change, the first time it reaches it. */
  void keepLowerTimes(String key, Fd directory, TarEntry e) throws IOException {
    if (!lowerTimes.containsKey(key)) {
      extraction.keep(key.length() + TIMES_OVERHEAD, e);
      lowerTimes.put(key, directory.stat());
    }
  }

  /** Gives the lower directories the layer has no entry for (in {@code entries}) their times back. */
  void restoreLowerTimes(Set<String> entries) throws IOException {
    for (Map.Entry<String, Stat> kept : lowerTimes.entrySet()) {
      if (entries.contains(kept.getKey())) {
        continue;
      }
      TarEntry e = new TarEntry();
      e.path = kept.getKey().getBytes(StandardCharsets.ISO_8859_1);
      List<byte[]> components = MemberNames.components(e.path, e);
      Stat before = kept.getValue();
      try {
        Fd directory = extraction.directoryIfExists(components, components.size(), e);
        if (directory != null && directory.stat().inode() == before.inode()) { // not removed and made anew
          directory.setTimes(before.accessed(), before.modified());
        }
      } catch (NativeException ex) {
        throw Extraction.fail(e, ex);
      }
    }
  }

  private static String child(String key, byte[] name) {
    String component = new String(name, StandardCharsets.ISO_8859_1);
    return key.isEmpty() ? component : key + "/" + component;
  }

  private static boolean startsWith(byte[] name, byte[] prefix) {
    return name.length >= prefix.length && Arrays.equals(name, 0, prefix.length, prefix, 0, prefix.length);
  }
}
