package io.jimg.images;

import static io.jimg.images.StoreContract.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.LockKind;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.JimgException.Reason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code .#NAME.lck} files beside images go when jimg lets go of them, as systemd-nspawn's do on a clean exit,
 * but only where jimg could take the lock exclusively without waiting: never while another process holds it, shared
 * or exclusive, since that process (a read-only container, say) still counts on the file it locked.
 */
class LockFileReleaseTest {
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs();

  private Pools pools;
  private ImageStore store;
  private Path lockFile;

  @BeforeEach
  void setUp() throws IOException {
    pools = new Pools(TMPFS.root());
    store = pools.store;
    store.createTree("img", CreateOptions.DEFAULT, Pools.tree("i"));
    lockFile = pools.pool.resolve(".#img.lck");
  }

  @AfterEach
  void tearDown() {
    pools.release();
  }

  /** A child JVM holding {@code kind} on {@code file}, once it says so; closing its input lets go. */
  private static Process hold(Path file, LockKind kind) throws IOException {
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djnr.ffi.asm.enabled=false", "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
        file.toString(), kind.name()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    var reader = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("locked", reader.readLine(), "the holder took its lock");
    return holder;
  }

  private static void letGo(Process holder) throws Exception {
    holder.getOutputStream().close();
    assertTrue(holder.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, holder.exitValue());
  }

  private List<String> lockFilesInPool() throws IOException {
    return pools.names().stream().filter(n -> n.endsWith(".lck")).toList();
  }

  @Test
  void aLockFileAnotherProcessHoldsSharedStaysUntilJimgReleasesItAlone() throws Exception {
    Process reader = hold(lockFile, LockKind.SHARED);
    try {
      try (ImageLease lease = store.lease("img", Access.READ)) {
        assertTrue(Files.exists(lockFile));
      }
      assertTrue(Files.exists(lockFile), "the other reader still holds it");
    } finally {
      letGo(reader);
    }
    assertTrue(Files.exists(lockFile), "a holder that exits without unlinking leaves it, as a killed nspawn does");
    try (ImageLease lease = store.lease("img", Access.READ)) {
      assertTrue(Files.exists(lockFile));
    }
    assertFalse(Files.exists(lockFile), "released alone, the reader could lock it exclusively and unlinked it");
  }

  @Test
  void aLockFileAnotherProcessHoldsExclusiveStays() throws Exception {
    Process writer = hold(lockFile, LockKind.EXCLUSIVE);
    try {
      fails(Reason.BUSY, () -> store.lease("img", Access.READ));
      fails(Reason.BUSY, () -> store.remove(List.of("img")));
      assertTrue(Files.exists(lockFile), "a failed attempt leaves the holder's file alone");
    } finally {
      letGo(writer);
    }
    store.remove(List.of("img"));
    assertEquals(List.of(), pools.names());
  }

  @Test
  void storeOperationsLeaveNoLockFileBehind() throws Exception {
    store.clone("img", "copy", false);
    try (ImageLease lease = store.lease("copy", Access.WRITE)) {
      assertEquals(List.of(".#copy.lck"), lockFilesInPool());
    }
    store.rename("copy", "moved");
    store.setReadOnly("moved", true);
    store.remove(List.of("moved"));
    assertEquals(List.of(), lockFilesInPool());
    assertEquals(List.of(), Pools.names(pools.locks), "nor in the lock directory");
    assertEquals(List.of("img"), pools.names());
  }
}
