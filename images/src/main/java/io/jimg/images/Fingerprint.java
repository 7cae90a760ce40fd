package io.jimg.images;

import io.jimg.btrfs.Btrfs;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.Stat;
import io.jimg.btrfs.Subvolume;
import java.time.Instant;

/**
 * What a name held when an {@link Intent} was written down, in terms that survive a reboot. Device numbers do
 * not: btrfs gives each subvolume an anonymous one when it is first reached after a mount, and block devices
 * can come up in another order. With them a step that was taken before a crash looked untaken after a reboot,
 * and a completed clone lost its companion files. A btrfs subvolume is known by its UUID; anything else by its
 * inode number and birth time, which a later inode reusing the number does not share; by device and inode only
 * where the filesystem keeps no birth time. The token has no spaces, as the intent record needs.
 *
 * <p>A class rather than a record: a record's equals is bootstrapped through method handles on first use, some
 * 15 ms of a short command such as clone.
 */
final class Fingerprint {
  /** Matches whatever the name holds. */
  static final Fingerprint ANY = new Fingerprint("-");

  private final String token;

  Fingerprint(String token) {
    this.token = token;
  }

  String token() {
    return token;
  }

  static Fingerprint of(Fd directory, byte[] name) throws NativeException {
    return of(directory, name, directory.stat(name));
  }

  static Fingerprint of(Fd directory, byte[] name, Stat stat) throws NativeException {
    if (stat.isSubvolumeRoot() && Btrfs.isBtrfs(directory)) {
      try (Fd subvolume = directory.openDirectory(name)) {
        return new Fingerprint("subvolume:" + Subvolume.info(subvolume).uuid());
      }
    }
    Instant born = stat.born();
    if (born != null) {
      return new Fingerprint("born:" + stat.inode() + ":" + born.getEpochSecond() + "." + born.getNano());
    }
    return new Fingerprint("device:" + stat.device() + ":" + stat.inode());
  }

  /** Whether {@code name} in {@code directory}, whose status is {@code stat}, holds what this was taken of. */
  boolean matches(Fd directory, byte[] name, Stat stat) throws NativeException {
    return equals(ANY) || equals(of(directory, name, stat));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Fingerprint that && token.equals(that.token);
  }

  @Override
  public int hashCode() {
    return token.hashCode();
  }

  @Override
  public String toString() {
    return token;
  }
}
