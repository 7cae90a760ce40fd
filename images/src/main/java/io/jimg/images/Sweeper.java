package io.jimg.images;

import io.jimg.btrfs.DirEntry;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.NativeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Finishes or rolls back what killed jimg processes left in a pool: every {@code .#jimg-ID.*} whose lock
 * nobody holds. A committed intent is completed, a provisional one (an all-or-nothing batch) undone. Live work (its lock held) is passed over, never waited for. Other {@code .#} names (systemd's
 * locks and temporaries) are never touched.
 */
final class Sweeper {
  private final StoreListener listener;

  Sweeper(StoreListener listener) {
    this.listener = listener;
  }

  void sweep(Fd pool, Path poolPath) {
    Set<String> ids = new LinkedHashSet<>();
    try {
      for (DirEntry entry : pool.list()) {
        String id = idOf(entry.name());
        if (id != null) {
          ids.add(id);
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
  }

  private void sweep(Fd pool, Path poolPath, String id) throws NativeException {
    byte[] lockName = Work.name(id, Work.LOCK);
    Fd lock;
    try {
      lock = pool.open(lockName, Linux.O_RDWR | Linux.O_NOCTTY);
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
    try (Fd file = pool.open(Work.name(id, Work.INTENT), Linux.O_RDONLY)) {
      return Intent.decode(Intent.read(file, 1 << 20));
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

  private void warn(Path poolPath, Exception e) {
    listener.event(new StoreEvent(StoreEvent.Kind.WARNING, null,
        "cannot sweep leftovers in " + poolPath + ": " + e.getMessage()));
  }
}
