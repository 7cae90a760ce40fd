package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Device nodes and fifos planted under the names of files jimg reads in an image (its os-release) or in a pool
 * (a lock file, an intent record a killed process left): root never opens them, as an open of a device acts on
 * the device (a watchdog node starts the watchdog) before any check of what was opened could refuse it.
 */
class PlantedDeviceNodesTest {
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs();

  /** A leftover whose lock file is a device node, and one whose lock is a file nobody holds but whose record is one. */
  private static final String DEVICE_LOCK = ".#jimg-00000000000000aa.lock";
  private static final String UNLOCKED = ".#jimg-00000000000000bb.lock";
  private static final String DEVICE_INTENT = ".#jimg-00000000000000bb.intent";

  Pools pools;
  Path pool;

  @BeforeEach
  void setUp() throws IOException {
    pools = new Pools(TMPFS.root());
    pools.store.createTree("planted", CreateOptions.DEFAULT, image -> {
      Files.createDirectories(image.path().resolve("usr/lib"));
      Files.createDirectories(image.path().resolve("etc"));
      // /dev/null's numbers: opening it has no effect here, so that the old code's open is only seen, not felt.
      Commands.run("mknod", image.path().resolve("etc/os-release").toString(), "c", "1", "3");
      Commands.run("mkfifo", image.path().resolve("usr/lib/os-release").toString());
    });
    pools.store.createTree("locked", CreateOptions.DEFAULT,
        image -> Files.writeString(image.path().resolve("file"), ""));
    pool = pools.pool.toRealPath();
    Commands.run("mknod", pool.resolve(".#locked.lck").toString(), "c", "1", "3");
    Commands.run("mknod", pool.resolve(DEVICE_LOCK).toString(), "c", "1", "3");
    Files.writeString(pool.resolve(UNLOCKED), "");
    Commands.run("mknod", pool.resolve(DEVICE_INTENT).toString(), "c", "1", "3");
  }

  @AfterEach
  void tearDown() {
    pools.release();
    Commands.run("rm", "-rf", pools.base.toString());
  }

  @Test
  void showReportsNoOsWhereOsReleaseIsADeviceNodeOrAFifo() throws IOException {
    assertEquals(Map.of(), pools.store.show("planted").osRelease());
  }

  @Test
  void aLockFilePlantedAsADeviceNodeIsRefusedAndTheImageStays() throws IOException {
    JimgException refused = assertThrows(JimgException.class, () -> pools.store.remove(List.of("locked")));

    assertEquals(JimgException.Reason.FAILED, refused.reason());
    String expected = pool.resolve(".#locked.lck") + " is a character device, not a regular file";
    assertTrue(refused.getMessage().contains(expected), refused.getMessage());
    assertTrue(pools.store.exists("locked"));
  }

  @Test
  void leftoversWhoseLockOrRecordIsADeviceNodeAreLeftAloneWithAWarning() throws IOException {
    pools.store.list(true);

    assertTrue(pools.events.events.stream().anyMatch(e -> e.kind() == StoreEvent.Kind.WARNING
        && e.message().contains(DEVICE_LOCK + " is a character device")), pools.events.events.toString());
    assertTrue(pools.events.events.stream().anyMatch(e -> e.kind() == StoreEvent.Kind.WARNING
        && e.message().contains(DEVICE_INTENT + " is a character device")), pools.events.events.toString());
    assertTrue(Files.exists(pool.resolve(DEVICE_LOCK)) && Files.exists(pool.resolve(DEVICE_INTENT)));
  }

  /** Under strace: every open(2) that reaches a planted node is an O_PATH one, which does not act on a device. */
  @Test
  void noDeviceNodeOrFifoInAnImageOrAPoolIsEverOpened() throws Exception {
    Path strace = Requirements.requireTool("strace");
    Path traces = Files.createDirectory(pools.base.resolve("traces"));
    // A file per thread (-ff): in one shared file strace splits a call that another thread's interrupts.
    List<String> command = new ArrayList<>(List.of(strace.toString(), "-ff", "-y", "-qq",
        "-e", "trace=open,openat,openat2", "-o", traces.resolve("trace").toString(),
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djnr.ffi.asm.enabled=false",
        "-cp", System.getProperty("java.class.path"), StoreInChild.class.getName(),
        pools.pool.toString(), pools.settings.toString(), pools.locks.toString(),
        "list", "show:planted", "remove:locked"));
    Commands.Result child = Commands.exec(command);
    assertEquals(0, child.exitCode(), child.output());

    List<String> planted = List.of(pool.resolve("planted/etc/os-release").toString(),
        pool.resolve("planted/usr/lib/os-release").toString(), pool.resolve(".#locked.lck").toString(),
        pool.resolve(DEVICE_LOCK).toString(), pool.resolve(DEVICE_INTENT).toString());
    List<String> opens = new ArrayList<>();
    try (Stream<Path> files = Files.list(traces)) {
      for (Path file : files.toList()) {
        opens.addAll(Files.readAllLines(file));
      }
    }
    for (String node : planted) {
      List<String> reached = opens.stream().filter(line -> line.contains(node + ">")).toList();
      assertFalse(reached.isEmpty(), "the trace shows no open of " + node + " at all: is strace tracing?");
      for (String line : reached) {
        assertTrue(line.contains("O_PATH"), "opened for real: " + line);
      }
    }
    assertTrue(child.output().contains("show planted: {}"), child.output());
    assertTrue(child.output().contains("remove locked: jimg: "), child.output());
  }
}
