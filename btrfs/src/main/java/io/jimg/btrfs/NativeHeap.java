package io.jimg.btrfs;

/**
 * The C heap that native code allocates from (the decoders, libcrypto, the JVM's own). glibc keeps what a busy
 * moment freed for the next one; a resident service that has gone quiet gives it back.
 */
public final class NativeHeap {
  private NativeHeap() {}

  /** Returns the heap's free memory to the system (malloc_trim). */
  public static void trim() {
    Native.libc().malloc_trim(0);
  }
}
