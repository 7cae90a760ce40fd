package io.jimg.btrfs;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Pointer;

/** Reading a directory's entries with getdents64, behind {@link Fd#list()}. */
final class DirectoryListing {
  private DirectoryListing() {}

  static List<DirEntry> list(Fd directory) throws NativeException {
    int fd = directory.fd();
    NativeException.check(Native.libc().lseek(fd, 0, Linux.SEEK_SET), "lseek", directory);
    List<DirEntry> entries = new ArrayList<>();
    // The kernel fills native memory and only what it filled is copied out: a byte[] argument would have the
    // whole buffer copied back on every call, which dominated the cost of listing small directories.
    Pointer dirents = NativeBuffers.DIRENTS.get();
    byte[] buffer = NativeBuffers.DIRENT_COPY.get();
    ByteBuffer b = Layouts.le(buffer);
    while (true) {
      long length = NativeException.check(
          Native.libc().getdents64(fd, dirents, NativeBuffers.DIRENT_SIZE), "getdents64", directory);
      if (length == 0) {
        return entries;
      }
      dirents.get(0, buffer, 0, (int) length);
      for (int offset = 0; offset < length; ) {
        int recordLength = Short.toUnsignedInt(b.getShort(offset + Layouts.Dirent64.RECLEN));
        int nameStart = offset + Layouts.Dirent64.NAME;
        int nameEnd = nameStart;
        while (buffer[nameEnd] != 0) {
          nameEnd++;
        }
        byte[] name = new byte[nameEnd - nameStart];
        System.arraycopy(buffer, nameStart, name, 0, name.length);
        if (!FileNames.isDotOrDotDot(name)) {
          entries.add(new DirEntry(name, b.getLong(offset + Layouts.Dirent64.INO),
              Byte.toUnsignedInt(buffer[offset + Layouts.Dirent64.TYPE])));
        }
        offset += recordLength;
      }
    }
  }
}
