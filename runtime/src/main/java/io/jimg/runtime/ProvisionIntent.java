package io.jimg.runtime;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.DirEntry;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The record a provisioning run writes into the pool before it publishes any image, and removes once all are
 * published. Its process holds an OFD lock on it; an unlocked one is what a killed run left, and
 * {@link #recover} rolls it back: it removes each listed image that still holds the machine ID the run gave
 * it (so an image someone made under that name since is never touched), and the settings file copied for it.
 *
 * <p>The name starts {@code .jimg-intent-}, not {@code .#jimg-}, so that a sweep of temporaries never deletes
 * the record before it is rolled back.
 */
final class ProvisionIntent implements AutoCloseable {
  static final String PREFIX = ".jimg-intent-provision-";

  /** One image a run is about to publish. {@code settings} is the settings file to copy for it, or null. */
  record Entry(String name, String machineId, Path settings) {}

  private final Fd directory;
  private final byte[] name;
  private final Fd file;
  private boolean keep;

  private ProvisionIntent(Fd directory, byte[] name, Fd file) {
    this.directory = directory;
    this.name = name;
    this.file = file;
  }

  /** Writes, locks and flushes the record before anything is published. */
  static ProvisionIntent write(Path pool, List<Entry> entries) throws IOException {
    byte[] random = new byte[8];
    new SecureRandom().nextBytes(random);
    byte[] name = FileNames.bytes(PREFIX + HexFormat.of().formatHex(random));
    Fd directory = Fd.openDirectory(pool);
    Fd file = null;
    try {
      file = directory.open(name, Linux.O_RDWR | Linux.O_CREAT | Linux.O_EXCL, 0600);
      file.lock(LockKind.EXCLUSIVE);
      StringBuilder text = new StringBuilder();
      for (Entry entry : entries) {
        text.append(entry.name()).append(' ').append(entry.machineId()).append(' ')
            .append(entry.settings() == null ? "-" : entry.settings().toString()).append('\n');
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      file.pwriteFully(bytes, bytes.length, 0);
      file.fsync();
      directory.fsync();
      return new ProvisionIntent(directory, name, file);
    } catch (IOException | RuntimeException e) {
      if (file != null) {
        file.close();
        directory.unlink(name);
      }
      directory.close();
      throw e;
    }
  }

  /** Leaves the record for the next run to roll back, as a killed run would. */
  void keep() {
    keep = true;
  }

  /** Everything is published (or rolled back): the record goes, unless {@link #keep() kept}. */
  @Override
  public void close() {
    try {
      if (!keep) {
        directory.unlink(name);
        directory.fsync();
      }
    } catch (NativeException e) {
      // An orphan record is rolled back by the next run; all it could remove is what this run made.
    } finally {
      file.close();
      directory.close();
    }
  }

  /** Rolls back what killed runs left: for each unlocked record, removes the images it lists, then the record. */
  static List<String> recover(Pool pool) throws IOException {
    List<String> removed = new ArrayList<>();
    try (Fd directory = Fd.openDirectory(pool.writablePool())) {
      for (DirEntry entry : directory.list()) {
        if (!entry.displayName().startsWith(PREFIX)) {
          continue;
        }
        try (Fd file = directory.open(entry.name(), Linux.O_RDWR)) {
          if (!file.tryLock(LockKind.EXCLUSIVE)) {
            continue; // a live run
          }
          removed.addAll(rollBack(pool, directory, read(file)));
          directory.unlink(entry.name());
        } catch (NativeException e) {
          if (!e.is(Linux.ENOENT)) {
            throw e; // ENOENT: another command recovered it first
          }
        }
      }
    }
    return removed;
  }

  private static List<Entry> read(Fd file) throws NativeException {
    byte[] buffer = new byte[1 << 20];
    int length = 0;
    for (int read; length < buffer.length && (read = file.pread(buffer, buffer.length - length, length)) > 0; ) {
      length += read;
    }
    List<Entry> entries = new ArrayList<>();
    for (String line : new String(buffer, 0, length, StandardCharsets.UTF_8).split("\n")) {
      String[] fields = line.split(" ", 3);
      if (fields.length == 3) {
        entries.add(new Entry(fields[0], fields[1], fields[2].equals("-") ? null : Path.of(fields[2])));
      }
    }
    return entries;
  }

  private static List<String> rollBack(Pool pool, Fd directory, List<Entry> entries) throws IOException {
    List<String> ours = new ArrayList<>();
    for (Entry entry : entries) {
      if (!Identity.isValidHostname(entry.name()) || directory.statIfExists(FileNames.bytes(entry.name())) == null) {
        continue;
      }
      try (Fd root = directory.openDirectory(entry.name())) {
        if (!entry.machineId().equals(Identity.machineIdOf(root))) {
          continue;
        }
      }
      ours.add(entry.name());
      if (entry.settings() != null) {
        Files.deleteIfExists(entry.settings());
      }
    }
    if (!ours.isEmpty()) {
      try {
        pool.remove(ours);
      } catch (JimgException e) {
        throw new JimgException(e.reason(), "cannot roll back an interrupted provisioning of "
            + String.join(", ", ours) + ": " + e.getMessage(), e);
      }
    }
    return ours;
  }
}
