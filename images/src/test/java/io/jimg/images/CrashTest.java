package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A jimg process SIGKILLed in the middle of clone, rename, remove and a settings write leaves, after the next command, only whole
 * images and no jimg temporaries. On ext4, where a clone is a tree copy and a remove a tree walk, so they take time.
 */
class CrashTest {
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4();
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  private static final int DIRECTORIES = 80;
  private static final int FILES_PER_DIRECTORY = 100;

  Pools pools;

  @BeforeEach
  void setUp() throws IOException {
    pools = new Pools(EXT4.root());
    pools.store.createTree("big", CreateOptions.DEFAULT, image -> {
      for (int d = 0; d < DIRECTORIES; d++) {
        Path directory = Files.createDirectories(image.path().resolve("d" + d));
        for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
          Files.writeString(directory.resolve("f" + f), "content " + d + "/" + f);
        }
      }
    });
    Files.writeString(pools.pool.resolve("big.nspawn"), "[Exec]\n");
    Files.writeString(pools.settings.resolve("big.nspawn"), "[Network]\n");
  }

  @AfterEach
  void tearDown() {
    pools.release();
    Commands.run("rm", "-rf", pools.base.toString());
  }

  /** The pool's names but the lock files a killed holder leaves behind, as systemd's own do. */
  private List<String> namesButLocks() throws IOException {
    return pools.names().stream().filter(n -> !(n.startsWith(".#") && n.endsWith(".lck"))).toList();
  }

  private Process start(String... operation) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djnr.ffi.asm.enabled=false", "-cp", System.getProperty("java.class.path"), CrashVictim.class.getName(),
        pools.pool.toString(), pools.settings.toString(), pools.locks.toString()));
    command.addAll(List.of(operation));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  /** Waits until a name in the pool matches, then SIGKILLs the process; false where it finished first. */
  private boolean killWhen(Process process, Predicate<String> name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      boolean seen;
      try (Stream<Path> entries = Files.list(pools.pool)) {
        seen = entries.anyMatch(p -> name.test(p.getFileName().toString()));
      } catch (java.nio.file.NoSuchFileException e) {
        seen = false;
      }
      if (seen) {
        process.destroyForcibly(); // SIGKILL
        process.waitFor();
        return true;
      }
      if (!process.isAlive()) {
        return false;
      }
      Thread.sleep(0, 200_000); // leave the victim a core
    }
    process.destroyForcibly().waitFor();
    throw new AssertionError("the operation neither finished nor made its temporary");
  }

  private void assertWholeAfterNextCommand(List<String> expected) throws IOException {
    List<String> images = pools.store.list(true).stream().map(Image::name).sorted().toList();
    assertEquals(List.of(), pools.temporaries(), "the next command swept every jimg temporary");
    assertEquals(expected, images);
    for (String image : images) {
      assertWhole(pools.pool.resolve(image));
    }
  }

  private static void assertWhole(Path root) throws IOException {
    for (int d = 0; d < DIRECTORIES; d += 33) {
      for (int f = 0; f < FILES_PER_DIRECTORY; f += 49) {
        assertEquals("content " + d + "/" + f, Files.readString(root.resolve("d" + d + "/f" + f)));
      }
    }
    try (Stream<Path> all = Files.walk(root)) {
      assertEquals(1 + DIRECTORIES + DIRECTORIES * FILES_PER_DIRECTORY, all.count(), root + " is whole");
    }
  }

  @Test
  void aCloneKilledWhileCopyingLeavesOnlyTheSource() throws Exception {
    Process victim = start("clone", "big", "copy");
    assertTrue(killWhen(victim, n -> n.startsWith(".#jimg-") && n.endsWith(".image")), "killed while copying");
    assertFalse(pools.temporaries().isEmpty(), "the kill left its temporaries");
    assertWholeAfterNextCommand(List.of("big"));
    assertEquals(List.of("big.nspawn"), Pools.names(pools.settings));
    pools.store.clone("big", "copy", false);
    assertWhole(pools.pool.resolve("copy"));
    assertTrue(pools.events.has(StoreEvent.Kind.SWEPT, null));
  }

  @Test
  void aCreateKilledWhileFillingLeavesNoImageAndNoRecordOfIt() throws Exception {
    Process victim = start("create", "imported");
    assertTrue(killWhen(victim, n -> n.startsWith(".#jimg-") && n.endsWith(".image")), "killed while filling");
    assertWholeAfterNextCommand(List.of("big"));
    assertEquals(List.of("big", "big.nspawn"), namesButLocks(), "no record of the import is left, nor its temporary");
    pools.store.createTree("imported", CreateOptions.DEFAULT, Pools.tree("after"));
  }

  @Test
  void aLayerKilledWhileFillingLeavesNoLayerAfterTheNextCommand() throws Exception {
    pools.release();
    pools = new Pools(BTRFS.root());
    String chainId = "sha256:" + "a".repeat(64);
    Process victim = start("layer", chainId);
    assertTrue(killWhen(victim, n -> n.startsWith(".#jimg-") && n.endsWith(".layer")), "killed while filling");
    assertFalse(pools.temporaries().isEmpty(), "the kill left its temporaries");
    assertEquals(List.of(), pools.store.layers().list());
    assertEquals(List.of(), pools.temporaries(), "the next command swept the layer's temporary");
    pools.store.layers().create(chainId, java.util.Optional.empty(), layer -> 0, Cancellation.NEVER);
    assertEquals(1, pools.store.layers().clean(true).removed().size());
  }

  @Test
  void aRemoveKilledWhileDeletingCompletesOnTheNextCommand() throws Exception {
    Process victim = start("remove", "big");
    assertTrue(killWhen(victim, n -> n.startsWith(".#jimg-") && n.contains(".trash")), "killed while deleting");
    assertWholeAfterNextCommand(List.of());
    assertEquals(List.of(), namesButLocks());
    assertEquals(List.of(), Pools.names(pools.settings));
  }

  @Test
  void aRenameKilledAtAnyMomentLeavesTheImageAndItsCompanionsUnderOneName() throws Exception {
    String name = "big";
    for (int trial = 0; trial < 4; trial++) {
      String other = name.equals("big") ? "renamed" : "big";
      Process victim = start("rename", name, other);
      assertTrue(killWhen(victim, n -> n.startsWith(".#jimg-")), "trial " + trial + " killed the rename");
      List<String> images = pools.store.list(true).stream().map(Image::name).toList();
      assertEquals(List.of(), pools.temporaries());
      assertEquals(1, images.size(), images.toString());
      name = images.get(0);
      assertWhole(pools.pool.resolve(name));
      List<String> expected = new ArrayList<>(List.of(name, name + ".nspawn"));
      expected.sort(null);
      assertEquals(expected, namesButLocks());
      assertEquals(List.of(name + ".nspawn"), Pools.names(pools.settings), "companions follow their image");
    }
  }

  @Test
  void aSettingsWriteKilledMidwayLeavesTheOldSettingsWholeAndNoTemporary() throws Exception {
    Process victim = start("settings", "big", Integer.toString(128 << 20));
    assertTrue(killWhen(victim, n -> n.startsWith(".#jimg-") && n.endsWith(".companion0")),
        "killed while writing the settings file");
    assertWholeAfterNextCommand(List.of("big"));
    assertEquals("[Exec]\n", Files.readString(pools.pool.resolve("big.nspawn")), "the old file, whole");
    assertEquals(List.of("big", "big.nspawn"), namesButLocks());
    assertTrue(pools.events.has(StoreEvent.Kind.SWEPT, null));
  }
}
