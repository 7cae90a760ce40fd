package io.jimg.images;

import io.jimg.btrfs.DirEntry;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.Mounts;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Stat;
import io.jimg.btrfs.Trees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One operation's claim on a pool: a lock file {@code .#jimg-ID.lock} that this process holds an OFD lock on
 * for as long as the operation runs, and the temporaries {@code .#jimg-ID.*} it makes beside it. The lock is
 * taken before its name exists (O_TMPFILE, then linkat), so no one ever sees the name unlocked while the work
 * is alive; when the process dies the kernel drops the lock and the next {@link Sweeper} cleans up.
 */
final class Work implements AutoCloseable {
  static final String PREFIX = ".#jimg-";
  static final String LOCK = "lock";
  static final String INTENT = "intent";

  private final Fd pool;
  private final Path poolPath;
  private final String id;
  private final Fd lock;
  private final StoreListener listener;
  private Intent intent;
  private boolean closed;

  private Work(Fd pool, Path poolPath, String id, Fd lock, StoreListener listener) {
    this.listener = listener;
    this.pool = pool;
    this.poolPath = poolPath;
    this.id = id;
    this.lock = lock;
  }

  /** Claims a fresh id in the pool; the pool descriptor stays the caller's. */
  static Work begin(Fd pool, Path poolPath, StoreListener listener) throws NativeException {
    while (true) {
      // An id needs only to be unique, and a taken one is drawn again: no SecureRandom, whose first use loads the
      // security providers, some 50 ms of a short command.
      String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
      byte[] lockName = name(id, LOCK);
      Fd lock = lockedFile(pool, lockName);
      if (lock != null) {
        return new Work(pool, poolPath, id, lock, listener);
      }
    }
  }

  /** A locked lock file under {@code name}, or null where the name was taken (a new id is due). */
  private static Fd lockedFile(Fd pool, byte[] name) throws NativeException {
    Fd file;
    try {
      file = pool.open(new byte[] {'.'}, Linux.O_TMPFILE | Linux.O_RDWR, 0600);
    } catch (NativeException e) {
      if (!e.is(Linux.EOPNOTSUPP) && !e.is(Linux.EISDIR) && !e.is(Linux.EINVAL)) {
        throw e;
      }
      return lockedNamedFile(pool, name);
    }
    try {
      if (!file.tryLock(LockKind.EXCLUSIVE)) {
        throw new IllegalStateException("a fresh unnamed file is locked by someone else: " + file);
      }
      file.linkInto(pool, name);
      return file;
    } catch (NativeException e) {
      file.close();
      if (e.is(Linux.EEXIST)) {
        return null;
      }
      throw e;
    }
  }

  /** Where O_TMPFILE is missing: create, lock, and check no sweeper removed the name in between. */
  private static Fd lockedNamedFile(Fd pool, byte[] name) throws NativeException {
    Fd file;
    try {
      file = pool.open(name, Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL, 0600);
    } catch (NativeException e) {
      if (e.is(Linux.EEXIST)) {
        return null;
      }
      throw e;
    }
    if (file.tryLock(LockKind.EXCLUSIVE) && isLinkedAs(pool, name, file)) {
      return file;
    }
    file.close();
    return null;
  }

  static boolean isLinkedAs(Fd directory, byte[] name, Fd file) throws NativeException {
    Stat named = directory.statIfExists(name);
    Stat open = file.stat();
    return named != null && named.inode() == open.inode() && named.device() == open.device();
  }

  static byte[] name(String id, String suffix) {
    return FileNames.bytes(PREFIX + id + "." + suffix);
  }

  /** A temporary name of this operation, {@code .#jimg-ID.SUFFIX}, valid in any directory. */
  byte[] name(String suffix) {
    return name(id, suffix);
  }

  Path path(byte[] name) {
    return poolPath.resolve(new String(name, StandardCharsets.UTF_8));
  }

  /** Writes the intent down (whole and synced, or not at all) before any of its steps is taken. */
  void record(Intent intent) throws NativeException {
    byte[] record = intent.encode();
    byte[] partial = name(INTENT + ".new");
    // A fresh file, never one the name held: what a failed record left is removed, not opened and truncated.
    if (pool.statIfExists(partial) != null) {
      pool.unlink(partial);
    }
    try (Fd file = pool.open(partial, Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL, 0600)) {
      file.pwriteFully(record, record.length, 0);
      file.fsync();
    }
    pool.rename(partial, pool, name(INTENT), 0);
    pool.fsync();
    this.intent = intent;
  }

  /** Records a committed intent and carries it out. */
  void commit(Intent intent) throws NativeException, Intent.Stopped {
    if (this.intent == null && intent.isOneAtomicStep()) {
      // One renameat2(RENAME_NOREPLACE) publishes whole or not at all, and the temporary it leaves on a crash
      // is swept: a record would only cost two more flushes of the pool.
      intent.apply();
      return;
    }
    record(intent.commit());
    intent.apply();
  }

  /** Lets go of the lock and leaves everything, record included, to the next sweep, as a crash would. */
  void abandon() {
    if (!closed) {
      closed = true;
      lock.close();
    }
  }

  /** Removes what is left of the operation's temporaries, then its lock. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      cleanUp(pool, id, intent);
      // Not flushed: a lock file that a power cut brings back is held by nobody and swept like any leftover.
      pool.unlink(name(LOCK));
    } catch (NativeException e) {
      // Left for the next sweep: the lock dies with this descriptor.
      listener.event(new StoreEvent(StoreEvent.Kind.WARNING, null, "cannot remove the temporaries "
          + poolPath.resolve(PREFIX + id + ".*") + " now; the next command sweeps them: " + e.getMessage()));
    } finally {
      lock.close();
    }
  }

  /** Removes every {@code .#jimg-ID.*} but the lock, and the temporaries an intent names elsewhere. */
  static void cleanUp(Fd pool, String id, Intent intent) throws NativeException {
    if (intent != null) {
      intent.removeTemporaries();
    }
    byte[] prefix = FileNames.bytes(PREFIX + id + ".");
    byte[] lockName = name(id, LOCK);
    byte[] intentName = name(id, INTENT);
    boolean hasIntent = false;
    for (DirEntry entry : pool.list()) {
      byte[] n = entry.name();
      if (!startsWith(n, prefix) || java.util.Arrays.equals(n, lockName)) {
        continue;
      }
      if (java.util.Arrays.equals(n, intentName)) {
        hasIntent = true;
        continue;
      }
      removeIfThere(pool, n);
    }
    if (hasIntent) {
      // Last, so that a crash while removing the rest leaves the record that names the temporaries elsewhere.
      removeIfThere(pool, intentName);
    }
  }

  /** Removes a temporary, detaching first what a killed process left mounted on it (an ephemeral root, say). */
  static void removeIfThere(Fd directory, byte[] name) throws NativeException {
    try {
      Mounts.unmount(directory, name);
      Trees.remove(directory, name);
    } catch (NativeException e) {
      if (!e.is(Linux.ENOENT)) {
        throw e;
      }
    }
  }

  static boolean startsWith(byte[] name, byte[] prefix) {
    if (name.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (name[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
