package io.jimg.btrfs;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Copies file data without it passing through Java: a FICLONE reflink of the whole file where the filesystem
 * can, else copy_file_range over each data segment (the kernel copies, and shares extents where it can), else
 * sendfile. Holes stay holes. What a filesystem cannot do is learnt once per source device, not per file.
 */
final class DataCopy {
  /** Large enough to keep calls few, small enough for progress to move on a big file. */
  private static final long CHUNK = 64L << 20;

  private final Map<Long, Boolean> clones = new HashMap<>();
  private final Map<Long, Boolean> copyRanges = new HashMap<>();

  /** Copies the data of {@code source}, described by {@code stat}, into the empty {@code target}. */
  void copy(Fd source, Fd target, Stat stat, LongConsumer copied) throws NativeException {
    long size = stat.size();
    if (size == 0) {
      return;
    }
    long device = stat.device();
    if (clones.getOrDefault(device, true)) {
      try {
        target.cloneFrom(source);
        clones.put(device, true);
        copied.accept(size);
        return;
      } catch (NativeException e) {
        if (!cannotClone(e)) {
          throw e;
        }
        // A filesystem that clones may still refuse one file (btrfs between nodatacow and datacow files, say).
        clones.putIfAbsent(device, false);
      }
    }
    long end;
    if (stat.blocks() * 512 >= size) {
      // As many blocks as bytes: no hole worth seeking for, so save the SEEK_DATA/SEEK_HOLE calls.
      end = copyRange(source, target, device, 0, size, copied);
    } else {
      end = 0;
      long[] regions = source.dataRegions(size);
      for (int i = 0; i < regions.length; i += 2) {
        long hole = regions[i] + regions[i + 1];
        end = copyRange(source, target, device, regions[i], hole, copied);
        if (end < hole) {
          break; // the file shrank under us: what is left of it is copied
        }
      }
    }
    if (end < size) {
      target.truncate(size);
    }
  }

  /** Copies [from, to) to the same offsets; returns where it stopped (earlier than {@code to} if the source shrank). */
  private long copyRange(Fd source, Fd target, long device, long from, long to, LongConsumer copied)
      throws NativeException {
    long[] offset = {from};
    if (copyRanges.getOrDefault(device, true)) {
      try {
        inChunks(offset, to, (at, length) -> target.copyRangeFrom(source, at, length), copied);
        return offset[0];
      } catch (NativeException e) {
        if (e.is(Linux.EXDEV) || e.is(Linux.EOPNOTSUPP) || e.is(Linux.ENOSYS)) {
          copyRanges.put(device, false); // across filesystems, or a kernel or filesystem without it
        } else if (!e.is(Linux.EINVAL)) {
          throw e;
        }
      }
    }
    target.seek(offset[0], Linux.SEEK_SET);
    inChunks(offset, to, (at, length) -> target.sendFrom(source, at, length), copied);
    return offset[0];
  }

  /** One kernel copy of up to {@code length} bytes at {@code offset}; returns the bytes copied, 0 at the end. */
  private interface KernelCopy {
    long copy(long offset, long length) throws NativeException;
  }

  /**
   * Advances {@code offset[0]} chunk by chunk until {@code to} or the end of the source. The offset is kept as it
   * goes, so that where a call fails, the next way of copying goes on from there.
   */
  private static void inChunks(long[] offset, long to, KernelCopy call, LongConsumer copied) throws NativeException {
    while (offset[0] < to) {
      long n = call.copy(offset[0], Math.min(CHUNK, to - offset[0]));
      if (n == 0) {
        return;
      }
      offset[0] += n;
      copied.accept(n);
    }
  }

  private static boolean cannotClone(NativeException e) {
    return e.is(Linux.EXDEV) || e.is(Linux.EOPNOTSUPP) || e.is(Linux.ENOTTY) || e.is(Linux.EINVAL)
        || e.is(Linux.ENOSYS);
  }
}
