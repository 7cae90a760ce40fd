package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NativeExceptionTest {
  @Test
  void messageNamesCallPathErrnoAndDescription() {
    NativeException e = new NativeException("renameat2", "/var/lib/machines/deb", Linux.EEXIST);
    assertEquals("renameat2 /var/lib/machines/deb: EEXIST (file exists)", e.getMessage());
    assertEquals("renameat2", e.call());
    assertEquals("/var/lib/machines/deb", e.path());
    assertEquals(17, e.errno());
    assertEquals("EEXIST", e.errnoName());
    assertEquals("file exists", e.description());
    assertTrue(e.is(Linux.EEXIST));
    assertFalse(e.is(Linux.ENOENT));
  }

  @Test
  void unknownErrnoStillReadsAsANumber() {
    assertEquals("ioctl /x: errno 999 (unknown error)", new NativeException("ioctl", "/x", 999).getMessage());
    assertEquals("ioctl /x: errno 41 (unknown error)", new NativeException("ioctl", "/x", 41).getMessage());
  }

  @Test
  void descriptionsReadAsSentences() {
    assertEquals("I/O error", new NativeException("read", "/x", 5).description());
    assertEquals("operation canceled", new NativeException("read", "/x", 125).description());
    assertEquals("no space left on device", new NativeException("write", "/x", Linux.ENOSPC).description());
  }

  @Test
  void aRealFailureCarriesTheKernelsErrno() {
    NativeException e = assertThrows(NativeException.class, () -> Fd.openDirectory(Path.of("/proc/self/jimg-missing")));
    assertEquals("openat /proc/self/jimg-missing: ENOENT (no such file or directory)", e.getMessage());
  }
}
