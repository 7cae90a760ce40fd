package io.jimg.images;

import io.jimg.btrfs.DirEntry;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.RegularFiles;
import io.jimg.btrfs.Stat;
import io.jimg.btrfs.StaleQgroups;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finishes or rolls back what killed jimg processes left in a pool: every {@code .#jimg-ID.*} whose lock
 * nobody holds. A committed intent is completed, a provisional one (an all-or-nothing batch) undone. Live work (its lock held) is passed over, never waited for. Other {@code .#} names (systemd's
 * locks and temporaries) are never touched.
 *
 * <p>Live work of this very process is told from a dead process's as any other's is: the sweep opens the lock
 * file anew, and an OFD lock is held by an open file description, so the operation's own descriptor keeps the
 * sweep's lock attempt out even within one process. (A POSIX record lock would not: it belongs to the process.)
 *
 * <p>A jimg temporary that belongs to no operation, {@code .#jimg-STEM} with companions {@code .#jimg-STEM.SUFFIX}
 * (a pull's resumable download and its ETag, say), is kept for its owner to come back to: it goes only once it
 * has lain unused for {@link #ABANDONED_AFTER} and no process holds an OFD lock on any of its files (its owner
 * holds one while it uses it). Only regular files are ever removed that way.
 */
final class Sweeper {
  /** How long a resumable temporary may lie unused (by its newest modification) before a sweep removes it. */
  static final Duration ABANDONED_AFTER = Duration.ofHours(24);
  /** Far above what any operation writes down; a larger record is no record of ours. */
  private static final int INTENT_MAX = 1 << 20;
  /** Each sweep drops at most this many qgroups of deleted subvolumes, so no command waits long on a backlog. */
  static final int STALE_QGROUPS_PER_SWEEP = 1000;

  private final StoreListener listener;
  private final Clock clock;

  Sweeper(StoreListener listener, Clock clock) {
    this.listener = listener;
    this.clock = clock;
  }

  void sweep(Fd pool, Path poolPath) {
    Set<String> ids = new LinkedHashSet<>();
    Map<String, List<byte[]>> kept = new LinkedHashMap<>();
    try {
      for (DirEntry entry : pool.list()) {
        String id = idOf(entry.name());
        if (id != null) {
          ids.add(id);
          continue;
        }
        String stem = stemOf(entry.name());
        if (stem != null) {
          kept.computeIfAbsent(stem, s -> new ArrayList<>()).add(entry.name());
        }
      }
    } catch (NativeException e) {
      warn(poolPath, e);
      return;
    }
    for (String id : ids) {
      try {
        sweep(pool, poolPath, id);
      } catch (NativeException | RuntimeException e) {
        warn(poolPath, e);
      }
    }
    for (List<byte[]> names : kept.values()) {
      try {
        sweepAbandoned(pool, poolPath, names);
      } catch (NativeException | RuntimeException e) {
        warn(poolPath, e);
      }
    }
    try {
      StaleQgroups.sweep(pool, STALE_QGROUPS_PER_SWEEP);
    } catch (NativeException | RuntimeException e) {
      warn(poolPath, e);
    }
  }

  /** Removes one resumable temporary with its companions where all are old enough and none is locked. */
  private void sweepAbandoned(Fd pool, Path poolPath, List<byte[]> names) throws NativeException {
    Instant newest = Instant.MIN;
    for (byte[] name : names) {
      Stat stat = pool.statIfExists(name);
      if (stat == null || !stat.isRegular()) {
        return; // gone meanwhile (its owner finished), or not a file of ours to judge
      }
      newest = stat.modified().isAfter(newest) ? stat.modified() : newest;
    }
    if (newest.plus(ABANDONED_AFTER).isAfter(clock.instant())) {
      return;
    }
    List<Fd> held = new ArrayList<>();
    try {
      for (byte[] name : names) {
        Fd file = RegularFiles.open(pool, name, Linux.O_RDWR | Linux.O_NOCTTY);
        held.add(file);
        if (!file.tryLock(LockKind.EXCLUSIVE) || !Work.isLinkedAs(pool, name, file)) {
          return; // in use, or replaced since we looked
        }
      }
      for (byte[] name : names) {
        pool.unlink(name);
      }
    } finally {
      for (Fd file : held) {
        file.close();
      }
    }
    listener.event(new StoreEvent(StoreEvent.Kind.SWEPT, null,
        "removed " + poolPath.resolve(FileNames.show(names.get(0)))
            + (names.size() > 1 ? " and " + (names.size() - 1) + " more" : "") + ", left unused for over "
            + ABANDONED_AFTER.toHours() + " hours"));
  }

  private void sweep(Fd pool, Path poolPath, String id) throws NativeException {
    byte[] lockName = Work.name(id, Work.LOCK);
    Fd lock;
    try {
      lock = RegularFiles.open(pool, lockName, Linux.O_RDWR | Linux.O_NOCTTY);
    } catch (NativeException e) {
      if (!e.is(Linux.ENOENT)) {
        throw e;
      }
      // No lock file: its owner finished (or a sweeper did) between our listing and now; remove any stragglers.
      Work.cleanUp(pool, id, null);
      return;
    }
    try (lock) {
      if (!lock.tryLock(LockKind.EXCLUSIVE) || !Work.isLinkedAs(pool, lockName, lock)) {
        return; // alive, or finished just now
      }
      Intent intent = readIntent(pool, id);
      String what = "left by a killed jimg process";
      if (intent != null && intent.provisional()) {
        intent.undo(); // where this fails, the record stays for the next sweep
        what = "rolled back an operation " + what;
      } else if (intent != null && intent.committed()) {
        try {
          intent.apply();
          what = "completed an operation " + what;
        } catch (Intent.Stopped e) {
          what = "rolled back an operation " + what;
        }
      } else {
        what = "removed temporaries " + what;
      }
      Work.cleanUp(pool, id, intent);
      pool.unlink(lockName);
      pool.fsync();
      listener.event(new StoreEvent(StoreEvent.Kind.SWEPT, null,
          what + " in " + poolPath + " (" + Work.PREFIX + id + ".*)"));
    }
  }

  private static Intent readIntent(Fd pool, String id) throws NativeException {
    try {
      return Intent.decode(RegularFiles.read(pool, Work.name(id, Work.INTENT), INTENT_MAX));
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT)) {
        return null;
      }
      throw e;
    }
  }

  /** The ID of a {@code .#jimg-ID.SUFFIX} name, or null for every other name. */
  static String idOf(byte[] name) {
    byte[] prefix = FileNames.bytes(Work.PREFIX);
    if (!Work.startsWith(name, prefix)) {
      return null;
    }
    String rest = new String(name, prefix.length, name.length - prefix.length, StandardCharsets.ISO_8859_1);
    int dot = rest.indexOf('.');
    if (dot != 16 || !rest.substring(0, 16).matches("[0-9a-f]{16}")) {
      return null;
    }
    return rest.substring(0, 16);
  }

  /** The STEM of a {@code .#jimg-STEM} or {@code .#jimg-STEM.SUFFIX} name that is no operation's, or null. */
  static String stemOf(byte[] name) {
    byte[] prefix = FileNames.bytes(Work.PREFIX);
    if (!Work.startsWith(name, prefix) || idOf(name) != null) {
      return null;
    }
    String rest = new String(name, prefix.length, name.length - prefix.length, StandardCharsets.ISO_8859_1);
    int dot = rest.indexOf('.');
    String stem = dot < 0 ? rest : rest.substring(0, dot);
    return stem.isEmpty() ? null : stem;
  }

  private void warn(Path poolPath, Exception e) {
    listener.event(new StoreEvent(StoreEvent.Kind.WARNING, null,
        "cannot sweep leftovers in " + poolPath + ": " + e.getMessage()));
  }
}
