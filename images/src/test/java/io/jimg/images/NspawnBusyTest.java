package io.jimg.images;

import static io.jimg.images.StoreContract.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.JimgException.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real systemd-nspawn holding an image keeps jimg from removing, renaming or replacing it. */
class NspawnBusyTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4().size(128L << 20);

  /** A root that holds only /usr/bin/sleep and the libraries it links. */
  static final TreeFiller SLEEP_ROOT = image -> {
    Files.createDirectories(image.path().resolve("usr/bin"));
    Files.createDirectories(image.path().resolve("etc"));
    Files.writeString(image.path().resolve("etc/os-release"), "ID=sleeper\n");
    Files.copy(Path.of("/bin/sleep"), image.path().resolve("usr/bin/sleep"));
    Files.createSymbolicLink(image.path().resolve("bin"), Path.of("usr/bin"));
    Matcher libraries = Pattern.compile("(/\\S+)").matcher(Commands.run("ldd", "/bin/sleep"));
    while (libraries.find()) {
      Path library = Path.of(libraries.group(1));
      Path target = image.path().resolve(library.toString().substring(1));
      Files.createDirectories(target.getParent());
      if (!Files.exists(target)) {
        Files.copy(library, target);
      }
    }
  };

  private static Process nspawn(Path root) throws IOException, InterruptedException {
    Requirements.requireRoot();
    Requirements.requireTool("systemd-nspawn");
    Files.createDirectories(Path.of("/run/systemd/nspawn"));
    Process process = new ProcessBuilder("systemd-nspawn", "--register=no", "--keep-unit", "-q", "-D",
        root.toString(), "/bin/sleep", "60").redirectErrorStream(true).start();
    // nspawn's OFD lock on the image's inode, named as systemd names it, says the container holds the image.
    Path inodeLock = ImageStore.LOCK_DIRECTORY.resolve("inode-" + Files.getAttribute(root, "unix:dev") + ":"
        + Files.getAttribute(root, "unix:ino"));
    for (int i = 0; i < 200 && process.isAlive(); i++) {
      if (Files.exists(inodeLock) && Files.exists(root.resolveSibling(".#" + root.getFileName() + ".lck"))) {
        return process;
      }
      Thread.sleep(50);
    }
    String output = new String(process.getInputStream().readNBytes(4096));
    process.destroyForcibly();
    throw new AssertionError("systemd-nspawn did not take its locks: " + output);
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  private static ImageStore store(Pools pools) {
    return pools.builder().lockDirectory(ImageStore.LOCK_DIRECTORY).build();
  }

  @Test
  void aRunningContainersSubvolumeCannotBeChangedButCanBeSnapshotted() throws Exception {
    Pools pools = new Pools(BTRFS.root());
    ImageStore store = store(pools);
    store.createTree("busy", CreateOptions.DEFAULT, SLEEP_ROOT);
    store.createTree("idle", CreateOptions.DEFAULT, Pools.tree("idle"));
    Process container = nspawn(pools.pool.resolve("busy"));
    try {
      JimgException e = fails(Reason.BUSY, () -> store.remove(List.of("idle", "busy")));
      assertTrue(e.getMessage().contains("'busy'") && e.getMessage().contains("in use"), e.getMessage());
      assertTrue(Files.exists(pools.pool.resolve("idle")), "remove checks and locks every name first");
      fails(Reason.BUSY, () -> store.rename("busy", "moved"));
      fails(Reason.BUSY, () -> store.setReadOnly("busy", true));
      fails(Reason.BUSY, () -> store.lease("busy", Access.READ));
      fails(Reason.BUSY, () -> store.createTree("busy", new CreateOptions(true, false), Pools.tree("x")));
      CleanReport report = store.clean(true);
      assertEquals(List.of("busy"), report.skippedBusy());
      Image snapshot = store.clone("busy", "copy", false);
      assertEquals(ImageType.SUBVOLUME, snapshot.type());
      assertTrue(Files.exists(pools.pool.resolve("copy/usr/bin/sleep")));
      assertTrue(container.isAlive());
    } finally {
      stop(container);
    }
    store.rename("busy", "moved");
    store.remove(List.of("moved"));
  }

  @Test
  void anImageTheStoreHoldsCannotBeStartedByNspawn() throws Exception {
    Requirements.requireRoot();
    Requirements.requireTool("systemd-nspawn");
    Files.createDirectories(Path.of("/run/systemd/nspawn"));
    Pools pools = new Pools(EXT4.root());
    ImageStore store = store(pools);
    store.createTree("held", CreateOptions.DEFAULT, SLEEP_ROOT);
    List<String> run = List.of("systemd-nspawn", "--register=no", "--keep-unit", "-q", "-D",
        pools.pool.resolve("held").toString(), "/bin/sleep", "0");
    try (ImageLease lease = store.lease("held", Access.WRITE)) {
      Commands.Result refused = Commands.exec(run);
      assertFalse(refused.succeeded(), refused.output());
      assertTrue(refused.output().contains("busy"), refused.output());
    }
    Commands.Result started = Commands.exec(run);
    assertTrue(started.succeeded(), started.output());
  }

  @Test
  void aRunningContainersDirectoryCannotBeCopied() throws Exception {
    Pools pools = new Pools(EXT4.root());
    ImageStore store = store(pools);
    store.createTree("busy", CreateOptions.DEFAULT, SLEEP_ROOT);
    Process container = nspawn(pools.pool.resolve("busy"));
    try {
      fails(Reason.BUSY, () -> store.clone("busy", "copy", false));
      fails(Reason.BUSY, () -> store.remove(List.of("busy")));
      assertFalse(Files.exists(pools.pool.resolve("copy")));
    } finally {
      stop(container);
    }
    store.clone("busy", "copy", false);
  }
}
