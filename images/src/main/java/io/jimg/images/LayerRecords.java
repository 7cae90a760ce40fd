package io.jimg.images;

import io.jimg.btrfs.DirEntry;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.RegularFiles;
import io.jimg.btrfs.Stat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The small files that make the layer store cheap to account for: beside each layer its use record (its parent's
 * chain id and its bytes; the file's mtime is its last use), and beside each image made from layers its chain
 * record ({@code NAME.oci-layers}, the chain ids top first, a companion that moves and goes with the image). No
 * layer's tree is ever walked to count it. Every record is read bounded, none through a symlink.
 */
final class LayerRecords {
  /** A chain of 128 layers (the most a pull takes) in 72-byte lines, with room to spare. */
  static final int RECORD_MAX = 64 << 10;
  /** Far more layers than any image has; a longer chain of parents is a loop or a forgery. */
  static final int CHAIN_MAX = 1024;

  private LayerRecords() {}

  /** A layer's use record: what it was made on and what its content took. */
  record Use(Optional<String> parentChainId, long bytes, Instant lastUsed) {}

  static byte[] encodeUse(Optional<String> parentChainId, long bytes) {
    return ("parent " + parentChainId.orElse("-") + "\nbytes " + bytes + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** The use record of a layer, or an empty one (no parent known, 0 bytes, the layer's own time) where it is lost. */
  static Use readUse(Fd pool, String chainId, Stat layer) throws NativeException, JimgException {
    byte[] name = LayerNames.useName(chainId);
    Stat stat = pool.statIfExists(name);
    if (stat == null || !stat.isRegular()) {
      return new Use(Optional.empty(), 0, layer.modified());
    }
    Optional<String> parent = Optional.empty();
    long bytes = 0;
    for (String line : new String(RegularFiles.read(pool, name, RECORD_MAX), StandardCharsets.US_ASCII).split("\n")) {
      if (line.startsWith("parent sha256:")) {
        String id = line.substring("parent ".length());
        LayerNames.fileName(id); // checks it
        parent = Optional.of(id);
      } else if (line.startsWith("bytes ")) {
        try {
          bytes = Math.max(0, Long.parseLong(line.substring("bytes ".length())));
        } catch (NumberFormatException e) {
          bytes = 0; // a damaged record counts nothing rather than failing every listing
        }
      }
    }
    return new Use(parent, bytes, stat.modified());
  }

  /** Marks a layer used now, for the least-recently-used eviction. */
  static void touch(Fd pool, String chainId) throws NativeException, JimgException {
    byte[] name = LayerNames.useName(chainId);
    Stat stat = pool.statIfExists(name);
    if (stat != null && stat.isRegular()) {
      Instant now = Instant.now();
      pool.setTimes(name, now, now);
    }
  }

  static byte[] encodeChain(List<String> chainIds) {
    return (String.join("\n", chainIds) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** The chain ids that the chain records of the pool's images name: the layers some image needs. */
  static Set<String> needed(Fd pool) throws NativeException {
    Set<String> needed = new LinkedHashSet<>();
    byte[] suffix = FileNames.bytes(LayerNames.CHAIN_SUFFIX);
    for (DirEntry entry : pool.list()) {
      byte[] name = entry.name();
      if (!endsWith(name, suffix) || (entry.type() != DirEntry.DT_REG && entry.type() != DirEntry.DT_UNKNOWN)) {
        continue;
      }
      byte[] record;
      try {
        record = RegularFiles.read(pool, name, RECORD_MAX);
      } catch (NativeException e) {
        if (e.is(Linux.ENOENT)) {
          continue; // its image went meanwhile
        }
        throw e;
      }
      for (String line : new String(record, StandardCharsets.US_ASCII).split("\n")) {
        if (LayerNames.isChainId(line)) {
          needed.add(line);
        }
      }
    }
    return needed;
  }

  /** The chain of {@code top} through the parents its use records name, top first. */
  static List<String> chain(Fd pool, String top) throws NativeException, JimgException {
    List<String> chain = new ArrayList<>();
    Optional<String> next = Optional.of(top);
    while (next.isPresent()) {
      String id = next.get();
      if (chain.size() == CHAIN_MAX || chain.contains(id)) {
        throw new JimgException(JimgException.Reason.FAILED, "the layers below " + top + " do not end: the use record "
            + FileNames.show(LayerNames.useName(id)) + " names a loop or more than " + CHAIN_MAX + " parents");
      }
      chain.add(id);
      Stat layer = pool.statIfExists(LayerNames.fileName(id));
      next = layer == null ? Optional.empty() : readUse(pool, id, layer).parentChainId();
    }
    return chain;
  }

  private static boolean endsWith(byte[] name, byte[] suffix) {
    if (name.length <= suffix.length) {
      return false;
    }
    for (int i = 0; i < suffix.length; i++) {
      if (name[name.length - suffix.length + i] != suffix[i]) {
        return false;
      }
    }
    return true;
  }
}
