package io.jimg.btrfs;

import java.util.Arrays;
import jnr.ffi.Pointer;

/**
 * Moving file data through {@link Fd}: positioned reads and writes through this thread's native buffer, the
 * kernel's own copies (copy_file_range, sendfile), and where a file holds data (SEEK_DATA, SEEK_HOLE).
 */
final class FileData {
  private FileData() {}

  static int pread(Fd fd, byte[] buffer, int offset, int length, long position) throws NativeException {
    Pointer data = NativeBuffers.DATA.get();
    long n = NativeException.check(
        Native.libc().pread(fd.fd(), data, Math.min(length, NativeBuffers.DATA_SIZE), position), "pread", fd);
    data.get(0, buffer, offset, (int) n);
    return (int) n;
  }

  static int read(Fd fd, byte[] buffer, int offset, int length) throws NativeException {
    Pointer data = NativeBuffers.DATA.get();
    while (true) {
      long n = Native.libc().read(fd.fd(), data, Math.min(length, NativeBuffers.DATA_SIZE));
      if (n >= 0) {
        data.get(0, buffer, offset, (int) n);
        return (int) n;
      }
      int errno = Native.errno();
      if (errno != Linux.EINTR) {
        throw new NativeException("read", fd.path(), errno);
      }
    }
  }

  static void pwriteFully(Fd fd, byte[] buffer, int offset, int length, long position) throws NativeException {
    Pointer data = NativeBuffers.DATA.get();
    int done = 0;
    while (done < length) {
      int piece = Math.min(length - done, NativeBuffers.DATA_SIZE);
      data.put(0, buffer, offset + done, piece);
      int written = 0;
      while (written < piece) {
        written += (int) NativeException.check(Native.libc().pwrite(fd.fd(), written == 0 ? data : data.slice(written),
            piece - written, position + done + written), "pwrite", fd);
      }
      done += piece;
    }
  }

  static long copyRange(Fd source, Fd target, long offset, long length) throws NativeException {
    Pointer offsets = NativeBuffers.OFFSETS.get();
    offsets.putLong(0, offset);
    offsets.putLong(8, offset);
    return NativeException.check(Native.libc().copy_file_range(source.fd(), offsets, target.fd(), offsets.slice(8),
        length, 0), "copy_file_range", target);
  }

  static long send(Fd source, Fd target, long offset, long length) throws NativeException {
    Pointer offsets = NativeBuffers.OFFSETS.get();
    offsets.putLong(0, offset);
    return NativeException.check(Native.libc().sendfile(target.fd(), source.fd(), offsets, length), "sendfile", target);
  }

  static long[] regions(Fd fd, long size) throws NativeException {
    long[] regions = new long[16];
    int count = 0;
    for (long data = fd.seek(0, Linux.SEEK_DATA); data >= 0 && data < size; ) {
      long hole = fd.seek(data, Linux.SEEK_HOLE);
      if (hole <= data || hole > size) {
        hole = size;
      }
      if (count + 2 > regions.length) {
        regions = Arrays.copyOf(regions, regions.length * 2);
      }
      regions[count++] = data;
      regions[count++] = hole - data;
      data = hole >= size ? -1 : fd.seek(hole, Linux.SEEK_DATA);
    }
    return Arrays.copyOf(regions, count);
  }
}
