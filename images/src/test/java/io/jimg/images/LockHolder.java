package io.jimg.images;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.LockKind;
import java.nio.file.Path;

/**
 * Another process holding an OFD lock on a lock file, as a running systemd-nspawn holds {@code .#NAME.lck}: opens
 * (creating) the file, takes the lock, prints "locked", and holds it until its standard input closes.
 */
public final class LockHolder {
  private LockHolder() {}

  /** Arguments: the lock file, {@code SHARED} or {@code EXCLUSIVE}. */
  public static void main(String[] args) throws Exception {
    try (Fd file = Fd.open(Path.of(args[0]), Linux.O_RDWR | Linux.O_CREAT, 0600)) {
      if (!file.tryLock(LockKind.valueOf(args[1]))) {
        System.out.println("busy");
        return;
      }
      System.out.println("locked");
      System.out.flush();
      System.in.readAllBytes();
    }
  }
}
