package io.jimg.btrfs;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/** Native memory the kernel writes into, one set per thread, so that no call allocates or copies more than it needs. */
final class NativeBuffers {
  private NativeBuffers() {}

  static final int DIRENT_SIZE = 32 * 1024;
  /** loff_t cells for the offsets copy_file_range and sendfile advance. */
  static final ThreadLocal<Pointer> OFFSETS = ThreadLocal.withInitial(
      () -> Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), 16, true));
  static final ThreadLocal<Pointer> DIRENTS = ThreadLocal.withInitial(
      () -> Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), DIRENT_SIZE, false));
  static final ThreadLocal<byte[]> DIRENT_COPY = ThreadLocal.withInitial(() -> new byte[DIRENT_SIZE]);
  static final int DATA_SIZE = 1 << 20;
  /** File data on its way between a Java array and the kernel. */
  static final ThreadLocal<Pointer> DATA = ThreadLocal.withInitial(
      () -> Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), DATA_SIZE, false));
}
