package io.jimg.btrfs;

import java.nio.ByteBuffer;

/**
 * What a filesystem has room for, from one fstatfs: bytes an unprivileged writer may still use (root's reserved
 * blocks excluded, as df's "Avail" shows them) and inodes. A filesystem that makes inodes as it needs them
 * (btrfs) reports 0 total inodes.
 */
public record FilesystemSpace(long totalBytes, long availableBytes, long totalInodes, long freeInodes) {

  /** The space of the filesystem {@code fd} lies on. */
  public static FilesystemSpace of(Fd fd) throws NativeException {
    byte[] buffer = new byte[Layouts.Statfs.SIZE];
    NativeException.check(Native.libc().fstatfs(fd.fd(), buffer), "fstatfs", fd);
    ByteBuffer b = Layouts.le(buffer);
    long blockSize = b.getLong(Layouts.Statfs.BSIZE);
    return new FilesystemSpace(b.getLong(Layouts.Statfs.BLOCKS) * blockSize,
        b.getLong(Layouts.Statfs.BAVAIL) * blockSize, b.getLong(Layouts.Statfs.FILES),
        b.getLong(Layouts.Statfs.FFREE));
  }

  /** Whether the filesystem has a fixed number of inodes, which can run out before its bytes do. */
  public boolean countsInodes() {
    return totalInodes > 0;
  }
}
