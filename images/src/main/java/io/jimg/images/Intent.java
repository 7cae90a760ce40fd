package io.jimg.images;

import io.jimg.btrfs.Directories;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileFlags;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Stat;
import io.jimg.btrfs.Trees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The steps of an operation that touches several names (an image and its companion files, a batch), written
 * down before the first of them is taken, so that whoever finds it after a crash can finish the work.
 *
 * <p>An intent is either being prepared (its temporaries are still being made: after a crash they are only
 * removed) or committed (every temporary is whole: the steps are carried out, each one idempotently and only
 * on the very inode it was written for). A required step that cannot be taken stops the rest, which rolls the
 * operation back: a companion file is never published without its image. A provisional intent (a batch that is
 * all or nothing, such as a provisioned fleet) is never completed by someone else: whoever finds it undoes the
 * renames that were taken, and its temporaries are removed.
 */
final class Intent {
  enum Kind {
    /** Renames {@code from} to {@code to} without replacing; with {@code force} it exchanges them instead. */
    RENAME,
    /** Removes {@code from} (a file; a tree is removed whole). */
    REMOVE,
    /** Sets the immutable flag on the directory {@code from}. */
    IMMUTABLE,
    /** A temporary outside the pool, removed when the operation ends either way. */
    TEMPORARY
  }

  record Step(Kind kind, Path directory, byte[] from, byte[] to, boolean required, boolean force,
      Fingerprint identity) {}

  /** A required step could not be taken: the operation is rolled back from there. */
  static final class Stopped extends Exception {
    private static final long serialVersionUID = 1L;
    /** The call that failed, or null where the step's name no longer held the inode it was written for. */
    final NativeException failure;

    Stopped(NativeException failure) {
      super(failure == null ? "stopped" : failure.getMessage(), failure);
      this.failure = failure;
    }
  }

  private final List<Step> steps = new ArrayList<>();
  private boolean committed;
  private boolean provisional;

  boolean committed() {
    return committed;
  }

  Intent commit() {
    committed = true;
    return this;
  }

  /** Whether a crash is to undo the steps taken rather than complete the rest. */
  boolean provisional() {
    return provisional;
  }

  Intent provisionally() {
    provisional = true;
    return this;
  }

  /** A single rename that replaces nothing: atomic by itself, so it needs no record to be completed or undone. */
  boolean isOneAtomicStep() {
    return steps.size() == 1 && steps.get(0).kind() == Kind.RENAME && !steps.get(0).force();
  }

  List<Step> steps() {
    return steps;
  }

  Intent rename(Path directory, byte[] from, byte[] to, boolean required, boolean force, Fingerprint identity) {
    steps.add(new Step(Kind.RENAME, directory, from, to, required, force, identity));
    return this;
  }

  Intent remove(Path directory, byte[] name, Fingerprint identity) {
    steps.add(new Step(Kind.REMOVE, directory, name, new byte[0], false, false, identity));
    return this;
  }

  Intent immutable(Path directory, byte[] name) {
    steps.add(new Step(Kind.IMMUTABLE, directory, name, new byte[0], false, false, Fingerprint.ANY));
    return this;
  }

  Intent temporary(Path directory, byte[] name) {
    steps.add(new Step(Kind.TEMPORARY, directory, name, new byte[0], false, false, Fingerprint.ANY));
    return this;
  }

  /** Carries out the steps in order; throws where a required one cannot be taken, leaving the rest undone. */
  void apply() throws Stopped, NativeException {
    Set<Path> touched = new LinkedHashSet<>();
    for (Step step : steps) {
      apply(step, touched);
    }
    fsync(touched);
  }

  /** Takes one step (a temporary needs none), adding its directory to those to flush. */
  void apply(Step step, Set<Path> touched) throws Stopped, NativeException {
    if (step.kind() == Kind.TEMPORARY) {
      return;
    }
    try (Fd directory = Directories.open(step.directory())) {
      touched.add(step.directory());
      apply(step, directory);
    } catch (NativeException e) {
      if (step.required()) {
        throw new Stopped(e);
      }
    }
  }

  /**
   * Undoes the renames that were taken, last first: each target that still holds the very inode it was written
   * for goes back to its temporary name (where the temporaries are then removed). Any other step is left alone.
   */
  void undo() throws NativeException {
    Set<Path> touched = new LinkedHashSet<>();
    for (int i = steps.size() - 1; i >= 0; i--) {
      Step step = steps.get(i);
      if (step.kind() != Kind.RENAME || step.force()) {
        continue;
      }
      try (Fd directory = Directories.open(step.directory())) {
        Stat stat = directory.statIfExists(step.to());
        if (stat != null && directory.statIfExists(step.from()) == null
            && !step.identity().equals(Fingerprint.ANY) && step.identity().matches(directory, step.to(), stat)) {
          renameMutable(directory, step.to(), step.from(), Linux.RENAME_NOREPLACE, stat);
          touched.add(step.directory());
        }
      }
    }
    fsync(touched);
  }

  static void fsync(Set<Path> directories) throws NativeException {
    for (Path directory : directories) {
      try (Fd fd = Directories.open(directory)) {
        fd.fsync();
      }
    }
  }

  private static void apply(Step step, Fd directory) throws NativeException, Stopped {
    Stat stat = directory.statIfExists(step.from());
    if (stat == null || !step.identity().matches(directory, step.from(), stat)) {
      if (step.required() && step.kind() == Kind.RENAME && !alreadyDone(step, directory)) {
        throw new Stopped(null);
      }
      return;
    }
    switch (step.kind()) {
      case RENAME:
        rename(step, directory, stat);
        break;
      case REMOVE:
        Trees.remove(directory, step.from());
        break;
      case IMMUTABLE:
        try (Fd target = directory.openDirectory(step.from())) {
          FileFlags.change(target, FileFlags.IMMUTABLE, true);
        }
        break;
      default:
        break;
    }
  }

  /** A replayed rename whose source is gone is done when its target now holds the very inode it was written for. */
  private static boolean alreadyDone(Step step, Fd directory) throws NativeException {
    Stat target = directory.statIfExists(step.to());
    return target != null && !step.identity().equals(Fingerprint.ANY)
        && step.identity().matches(directory, step.to(), target);
  }

  private static void rename(Step step, Fd directory, Stat stat) throws NativeException {
    try {
      renameMutable(directory, step.from(), step.to(), Linux.RENAME_NOREPLACE, stat);
    } catch (NativeException e) {
      if (!e.is(Linux.EEXIST) || !step.force()) {
        throw e;
      }
      // Replacing: the old image takes the temporary name and goes with the rest of the temporaries.
      Stat replaced = directory.stat(step.to());
      if (replaced.isDirectory()) {
        makeMutable(directory, step.to());
      }
      renameMutable(directory, step.from(), step.to(), Linux.RENAME_EXCHANGE, stat);
    }
  }

  /** An immutable directory cannot be renamed (EPERM): it is made mutable; a later step makes it immutable again. */
  private static void renameMutable(Fd directory, byte[] from, byte[] to, int flags, Stat stat)
      throws NativeException {
    try {
      directory.rename(from, directory, to, flags);
    } catch (NativeException e) {
      if (!e.is(Linux.EPERM) || !stat.isDirectory()) {
        throw e;
      }
      makeMutable(directory, from);
      directory.rename(from, directory, to, flags);
    }
  }

  private static void makeMutable(Fd directory, byte[] name) throws NativeException {
    try (Fd target = directory.openDirectory(name)) {
      FileFlags.change(target, FileFlags.IMMUTABLE, false);
    } catch (NativeException e) {
      if (!e.is(Linux.ENOTTY) && !e.is(Linux.EOPNOTSUPP)) {
        throw e;
      }
    }
  }

  /** Removes the temporaries the intent names outside the pool, wherever they are left. */
  void removeTemporaries() {
    for (Step step : steps) {
      if (step.kind() != Kind.TEMPORARY) {
        continue;
      }
      try (Fd directory = Directories.open(step.directory())) {
        if (directory.statIfExists(step.from()) != null) {
          Trees.remove(directory, step.from());
        }
      } catch (NativeException e) {
        // the directory went away, or the temporary with it: nothing is left to remove
      }
    }
  }

  // ---- the record on disk: one line per step, names in hex, so that any byte survives ----

  byte[] encode() {
    HexFormat hex = HexFormat.of();
    StringBuilder text = new StringBuilder("jimg-intent 2 ")
        .append(provisional ? "provisional" : committed ? "committed" : "prepared").append('\n');
    for (Step s : steps) {
      text.append(s.kind()).append(' ').append(s.required() ? 1 : 0).append(' ').append(s.force() ? 1 : 0)
          .append(' ').append(s.identity().token())
          .append(' ').append(hex.formatHex(FileNames.bytes(s.directory().toString())))
          .append(' ').append(hexOrDash(s.from())).append(' ').append(hexOrDash(s.to())).append('\n');
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static String hexOrDash(byte[] bytes) {
    return bytes.length == 0 ? "-" : HexFormat.of().formatHex(bytes);
  }

  /**
   * Parses a record; null where it is not a whole one (a crash while writing it leaves a temporary, not this).
   * Version 1, which an older jimg left, names inodes by device and inode number.
   */
  static Intent decode(byte[] record) {
    String[] lines = new String(record, StandardCharsets.US_ASCII).split("\n");
    int version = lines.length == 0 ? 0 : lines[0].startsWith("jimg-intent 2 ") ? 2
        : lines[0].startsWith("jimg-intent 1 ") ? 1 : 0;
    if (version == 0) {
      return null;
    }
    Intent intent = new Intent();
    intent.committed = lines[0].endsWith(" committed");
    intent.provisional = lines[0].endsWith(" provisional");
    HexFormat hex = HexFormat.of();
    try {
      for (int i = 1; i < lines.length; i++) {
        String[] f = lines[i].split(" ");
        if (f.length != (version == 1 ? 8 : 7)) {
          return null;
        }
        Fingerprint identity;
        if (version == 1) {
          long inode = Long.parseLong(f[4]);
          identity = inode == 0 ? Fingerprint.ANY : new Fingerprint("device:" + Long.parseLong(f[3]) + ":" + inode);
          f = new String[] {f[0], f[1], f[2], f[3], f[5], f[6], f[7]};
        } else {
          identity = new Fingerprint(f[3]);
        }
        intent.steps.add(new Step(Kind.valueOf(f[0]),
            Path.of(new String(hex.parseHex(f[4]), StandardCharsets.UTF_8)),
            f[5].equals("-") ? new byte[0] : hex.parseHex(f[5]),
            f[6].equals("-") ? new byte[0] : hex.parseHex(f[6]),
            f[1].equals("1"), f[2].equals("1"), identity));
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return intent;
  }
}
