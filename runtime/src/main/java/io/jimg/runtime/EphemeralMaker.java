package io.jimg.runtime;

import io.jimg.btrfs.CopyCheckpoint;
import io.jimg.btrfs.CopyProgress;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileCopy;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.Mounts;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.ReadOnly;
import io.jimg.btrfs.SnapshotOrCopy;
import io.jimg.btrfs.Stat;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageType;
import io.jimg.images.JimgException;
import io.jimg.images.Scratch;
import io.jimg.images.spi.Descriptors;
import io.jimg.runtime.PreparedRoot.Method;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Makes an ephemeral root of a tree image in the fastest way the filesystems allow: a snapshot where the image
 * is a btrfs subvolume on the pool's filesystem, else an overlay with the image as lower layer, else a copy (the
 * snapshot and the copy as {@link SnapshotOrCopy} makes them for clones and fleets).
 * A raw image's ephemeral root is a reflinked (or, across filesystems, hole-keeping) copy of the file.
 */
final class EphemeralMaker {
  private static final byte[] UPPER = FileNames.bytes("upper");
  private static final byte[] WORK = FileNames.bytes("work");

  private final Set<Method> allowed;

  EphemeralMaker(Set<Method> allowed) {
    this.allowed = EnumSet.copyOf(allowed);
  }

  /** A made root: where it is, how it was made, and what removes it. */
  record Made(Path path, Method method, AutoCloseable removal) {}

  Made make(ImageLease lease, Pool pool) throws IOException {
    ImageType type = lease.image().type();
    if (type == ImageType.BLOCK) {
      throw new JimgException(JimgException.Reason.USAGE, "cannot make an ephemeral root of block device "
          + lease.image().name() + ": only directory, subvolume and raw images can be run ephemerally");
    }
    try (Fd image = Descriptors.open(lease)) {
      if (type == ImageType.RAW) {
        return rawCopy(image, pool);
      }
      IOException last = null;
      if (allowed.contains(Method.SNAPSHOT)) {
        Made snapshot = snapshot(image, pool);
        if (snapshot != null) {
          return snapshot;
        }
      }
      if (allowed.contains(Method.OVERLAY)) {
        try {
          return overlay(image, pool);
        } catch (NativeException e) {
          last = e; // no overlayfs, or an upper layer it refuses (EINVAL)
        }
      }
      if (allowed.contains(Method.COPY)) {
        return copy(image, pool);
      }
      throw new JimgException(JimgException.Reason.FAILED, "cannot make an ephemeral root of "
          + lease.image().name() + (last == null ? ": no allowed method applies" : ": " + last.getMessage()), last);
    }
  }

  /** A snapshot where {@link SnapshotOrCopy#snapshot} can make one; null where it cannot. */
  private static Made snapshot(Fd image, Pool pool) throws IOException {
    Scratch scratch = pool.scratch();
    try {
      if (SnapshotOrCopy.snapshot(image, Descriptors.pool(scratch), scratch.name(), ReadOnly.NO)) {
        return new Made(scratch.path(), Method.SNAPSHOT, scratch);
      }
    } catch (IOException | RuntimeException e) {
      scratch.close();
      throw e;
    }
    scratch.close();
    return null;
  }

  /**
   * Two scratch names: one holds overlayfs's upper and work directories, the other is the mount point, so
   * that a sweeper meeting the mount point unmounts it and one meeting the layers just removes them.
   */
  private static Made overlay(Fd image, Pool pool) throws IOException {
    Scratch layers = pool.scratch();
    Scratch root = null;
    try {
      Stat top = image.stat();
      Descriptors.pool(layers).mkdir(layers.name(), 0700);
      try (Fd layersDir = Descriptors.pool(layers).openDirectory(layers.name())) {
        // The merged root's own owner and mode are the upper directory's: give it the image's.
        layersDir.mkdir(UPPER, 0700);
        try (Fd upper = layersDir.openDirectory(UPPER)) {
          upper.chown(top.uid(), top.gid());
          upper.chmod(top.permissions());
        }
        layersDir.mkdir(WORK, 0700);
        root = pool.scratch();
        Descriptors.pool(root).mkdir(root.name(), 0700);
        try (Fd mountPoint = Descriptors.pool(root).open(root.name(), Linux.O_PATH | Linux.O_DIRECTORY);
            Fd upper = layersDir.open(UPPER, Linux.O_PATH | Linux.O_DIRECTORY);
            Fd work = layersDir.open(WORK, Linux.O_PATH | Linux.O_DIRECTORY)) {
          Mounts.overlay(mountPoint, List.of(image), upper, work);
        }
      }
      Scratch mounted = root;
      return new Made(root.path(), Method.OVERLAY, () -> {
        try {
          Mounts.unmount(Descriptors.pool(mounted), mounted.name());
        } finally {
          mounted.close();
          layers.close();
        }
      });
    } catch (IOException | RuntimeException e) {
      if (root != null) {
        root.close();
      }
      layers.close();
      throw e;
    }
  }

  /** A raw image's ephemeral root: a reflink where the filesystem can, else a copy that keeps its holes. */
  private static Made rawCopy(Fd image, Pool pool) throws IOException {
    Scratch scratch = pool.scratch();
    try {
      try (Fd copy = Descriptors.pool(scratch).open(scratch.name(), Linux.O_WRONLY | Linux.O_CREAT | Linux.O_EXCL, 0600)) {
        FileCopy.copy(image, copy, CopyProgress.NONE);
        copy.chmod(0644);
      }
      return new Made(scratch.path(), Method.COPY, scratch);
    } catch (IOException | RuntimeException e) {
      scratch.close();
      throw e;
    }
  }

  private static Made copy(Fd image, Pool pool) throws IOException {
    Scratch scratch = pool.scratch();
    try {
      SnapshotOrCopy.copy(image, Descriptors.pool(scratch), scratch.name(), ReadOnly.NO, CopyProgress.NONE,
          CopyCheckpoint.NONE);
      return new Made(scratch.path(), Method.COPY, scratch);
    } catch (IOException | RuntimeException e) {
      scratch.close();
      throw e;
    }
  }

}
