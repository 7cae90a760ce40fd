package io.jimg.transfer.oci.push;

import io.jimg.btrfs.DirEntry;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Subvolume;
import io.jimg.btrfs.SubvolumeInfo;
import io.jimg.btrfs.Untouched;
import io.jimg.images.ImageType;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.oci.registry.Descriptor;
import io.jimg.transfer.oci.registry.Digest;
import io.jimg.transfer.pool.PoolFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a push learnt about a subvolume image's layer (its diff id, its blob, the repositories that have it), kept in
 * the pool as {@code .jimg-pushed-UUID-FORMAT} so that the next push of the unchanged image needs no pass over its
 * tree, finds the blob with a HEAD even where no tag names it (after a push stopped before its manifest), and
 * mounts it from a repository of the same registry it went to before.
 *
 * <p>A record holds for the subvolume's generation at the moment its export began, sampled after a syncfs, which
 * commits every change made before it: any later change to the tree, during the export or after it, commits in a
 * later transaction, and the record no longer matches. So a record is written without waiting for a sync after the
 * export, and is only ever read against a generation sampled the same way. A directory image has no such cheap
 * identity and gets no record. Records are files of the root-owned pool, read and written as {@link PoolFiles}
 * reads and writes (no symlink followed, bounded, replaced whole); a record that does not parse is no record. The
 * records of removed images go when the next image gets its first record.
 */
final class PushRecords {
  static final String PREFIX = ".jimg-pushed-";
  /** Far above any record a push writes. */
  private static final int RECORD_MAX = 16 * 1024;
  /** The repositories a record names, the latest first: mount candidates, each tried with one request. */
  static final int PLACES_MAX = 4;

  /** A layer as a push exported it, and where it went since (REGISTRY/REPOSITORY). */
  record Known(Digest diffId, Descriptor blob, List<String> places) {}

  /** The names a push gives its records: the subvolume's UUID and the layer's compression. */
  private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX)
      + "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-(?:gzip|zstd)");
  private static final byte[] DOT = {'.'};
  /** Directory levels {@link #settle} descends, each holding a descriptor. */
  static final int SETTLE_DEPTH = 128;
  private final Path pool;
  /** The record's file name; null for an image that gets none. */
  private String name;
  /** The subvolume's generation when this push began, or began to read the tree; -1 for no record. */
  private long generation;
  /** Whether this push wrote the record, and what it replaced (null for nothing): for {@link #undo}. */
  private boolean written;
  private byte[] replaced;

  private PushRecords(Path pool, String name, long generation) {
    this.pool = pool;
    this.name = name;
    this.generation = generation;
  }

  /**
   * The records of the image whose root is {@code root} (which stays the caller's), of type {@code type}, in the
   * pool at {@code pool}, for layers compressed as {@code format}; the filesystem is synced first, so that the
   * generation sampled now counts every change made before.
   */
  static PushRecords of(Path pool, Fd root, ImageType type, Compression format) {
    if (type != ImageType.SUBVOLUME) {
      return new PushRecords(pool, null, -1);
    }
    try {
      root.syncfs();
      SubvolumeInfo info = Subvolume.info(root);
      return new PushRecords(pool, PREFIX + info.uuid() + "-" + format.name().toLowerCase(java.util.Locale.ROOT),
          info.generation());
    } catch (NativeException e) {
      return new PushRecords(pool, null, -1); // a subvolume btrfs will not describe: pushed as a directory is
    }
  }

  /**
   * Before a pass over the tree that is to make a record: reads every symlink once, then syncs and samples the
   * generation again. Reading a symlink sets its access time where relatime wants it (one no later than its change,
   * or a day old), which no open flag prevents as O_NOATIME does for files and directories; a pass would then move
   * the generation under the record it makes, and the record would never match. Best effort: a tree deeper than
   * {@link #SETTLE_DEPTH} or a walk that fails only leaves the record to chance, never makes a wrong one.
   */
  void settle(Fd root) {
    if (name == null) {
      return;
    }
    try {
      readSymlinks(root);
      root.syncfs();
      generation = Subvolume.info(root).generation();
    } catch (NativeException e) {
      name = null; // no generation to trust: no record this time
    }
  }

  private static void readSymlinks(Fd root) throws NativeException {
    long device = root.stat().device();
    Deque<Fd> open = new ArrayDeque<>();
    Deque<Iterator<DirEntry>> listings = new ArrayDeque<>();
    try {
      open.push(Untouched.directory(root, DOT));
      listings.push(open.peek().list().iterator());
      while (!listings.isEmpty()) {
        Iterator<DirEntry> listing = listings.peek();
        if (!listing.hasNext()) {
          listings.pop();
          open.pop().close();
          continue;
        }
        DirEntry entry = listing.next();
        Fd directory = open.peek();
        if (entry.type() == DirEntry.DT_LNK) {
          directory.readlink(entry.name());
        } else if (entry.type() == DirEntry.DT_DIR && open.size() < SETTLE_DEPTH) {
          Fd sub = Untouched.directory(directory, entry.name());
          if (sub.stat().device() != device) {
            sub.close(); // a mount point: the export skips it too
            continue;
          }
          open.push(sub);
          listings.push(sub.list().iterator());
        }
      }
    } finally {
      open.forEach(Fd::close);
    }
  }

  /** The layer the record names, where it was made at this generation; empty otherwise. */
  Optional<Known> find() {
    if (name == null) {
      return Optional.empty();
    }
    try (Fd directory = Fd.openDirectory(pool)) {
      PoolFiles.Contents contents = PoolFiles.read(directory, name, RECORD_MAX);
      if (contents == null) {
        return Optional.empty();
      }
      Properties record = new Properties();
      record.load(new ByteArrayInputStream(contents.bytes()));
      if (!String.valueOf(generation).equals(record.getProperty("generation"))) {
        return Optional.empty();
      }
      Descriptor blob = new Descriptor(record.getProperty("media-type"), Digest.parse(record.getProperty("blob")),
          Long.parseLong(record.getProperty("size")));
      String places = record.getProperty("places", "").trim();
      return Optional.of(new Known(Digest.parse(record.getProperty("diff-id")), blob,
          places.isEmpty() ? List.of() : List.copyOf(Arrays.asList(places.split(" ")))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // a record that does not parse is no record
    }
  }

  /**
   * Records the layer, as of the generation this push began at, with {@code place} first among the places it went
   * to (null for none). A record that cannot be written is left unwritten: the next push does without it.
   */
  void remember(Digest diffId, Descriptor blob, String place) {
    if (name == null) {
      return;
    }
    List<String> places = new ArrayList<>();
    if (place != null) {
      places.add(place);
    }
    find().filter(known -> known.blob().equals(blob) && known.diffId().equals(diffId))
        .ifPresent(known -> known.places().stream().filter(p -> !places.contains(p)).forEach(places::add));
    Properties record = new Properties();
    record.setProperty("generation", String.valueOf(generation));
    record.setProperty("diff-id", diffId.toString());
    record.setProperty("media-type", blob.mediaType());
    record.setProperty("blob", blob.digest().toString());
    record.setProperty("size", String.valueOf(blob.size()));
    record.setProperty("places", String.join(" ", places.subList(0, Math.min(places.size(), PLACES_MAX))));
    try (Fd directory = Fd.openDirectory(pool)) {
      if (!written) {
        PoolFiles.Contents before = PoolFiles.read(directory, name, RECORD_MAX);
        replaced = before == null ? null : before.bytes();
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      record.store(bytes, null);
      PoolFiles.replace(directory, name, bytes.toByteArray(), null);
      if (!written && replaced == null) {
        removeOrphans(directory);
      }
      written = true;
    } catch (IOException e) {
      // A cache: a push does not fail for want of its record.
    }
  }

  /**
   * Removes the records of subvolumes the pool no longer holds (images removed since they were pushed), when a new
   * image gets its first record: the pool keeps no more records than it has pushed images.
   */
  private static void removeOrphans(Fd pool) throws NativeException {
    List<String> records = new ArrayList<>();
    Set<String> subvolumes = new HashSet<>();
    for (DirEntry entry : pool.list()) {
      String file = FileNames.show(entry.name());
      if (entry.type() == DirEntry.DT_REG && file.startsWith(PREFIX)) {
        records.add(file);
      } else if (entry.type() == DirEntry.DT_DIR) {
        try (Fd directory = pool.openDirectory(entry.name())) {
          subvolumes.add(Subvolume.info(directory).uuid().toString());
        } catch (NativeException e) {
          // not a subvolume, or gone: no record names it
        }
      }
    }
    for (String record : records) {
      Matcher name = NAME.matcher(record);
      if (name.matches() && !subvolumes.contains(name.group(1))) {
        PoolFiles.removeIfThere(pool, record);
      }
    }
  }

  /**
   * Puts back what this push's {@link #remember} replaced, for a push that failed or was cancelled and so changes
   * nothing (a push killed outright leaves its record, which is whole and true of the tree it was made of).
   */
  void undo() {
    if (!written) {
      return;
    }
    try (Fd directory = Fd.openDirectory(pool)) {
      if (replaced == null) {
        PoolFiles.removeIfThere(directory, name);
      } else {
        PoolFiles.replace(directory, name, replaced, null);
      }
      written = false;
    } catch (IOException e) {
      // What stays is a record as true as the one it replaced: of this tree, as of this generation.
    }
  }
}
