package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.CreateOptions;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.runtime.PreparedRoot.Method;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The runtime on the real image store: its leases hold images, its sweeper removes what a killed run left. */
class StoreHandOffTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4();

  static ImageStore btrfsStore;
  static ImageStore ext4Store;

  @BeforeAll
  static void images() throws Exception {
    Requirements.requireTool("setpriv");
    Requirements.requireTool("unshare");
    btrfsStore = ImageStore.builder().imageRoot(BTRFS.root()).lockDirectory(FakePool.lockDirectory()).build();
    ext4Store = ImageStore.builder().imageRoot(EXT4.root()).lockDirectory(FakePool.lockDirectory()).build();
    for (ImageStore store : List.of(btrfsStore, ext4Store)) {
      store.createTree("deb", CreateOptions.DEFAULT, image ->
          Commands.run("cp", "-a", "--reflink=auto", DebianRoot.minbase() + "/.", image.path().toString()));
    }
  }

  @Test
  void anEphemeralRunThroughTheStoreLeavesNothing() throws Exception {
    try (PreparedRoot root = PreparedRoots.builder(btrfsStore).build().ephemeral("deb")) {
      assertEquals(Method.SNAPSHOT, root.method());
      assertEquals(0, new Launcher(LaunchEngine.chroot(btrfsStore)).run(root,
          LaunchSpec.command("/bin/sh", "-c", "echo x > /etc/from-container")));
    }
    assertFalse(Files.exists(BTRFS.root().resolve("deb/etc/from-container")));
    assertEquals(List.of(), jimgEntries(BTRFS.root()));
  }

  @Test
  void theImageCannotBeRemovedWhileARunHoldsIt() throws Exception {
    btrfsStore.clone("deb", "held", false);
    try (PreparedRoot root = PreparedRoots.builder(btrfsStore).build().ephemeral("held")) {
      JimgException thrown = assertThrows(JimgException.class, () -> btrfsStore.remove(List.of("held")));
      assertEquals(JimgException.Reason.BUSY, thrown.reason());
      assertTrue(Files.isDirectory(BTRFS.root().resolve("held/etc")));
    }
    btrfsStore.remove(List.of("held"));
    assertFalse(Files.exists(BTRFS.root().resolve("held")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"btrfs", "ext4"})
  void theNextCommandRemovesTheRootAKilledRunLeft(String filesystem) throws Exception {
    Path pool = filesystem.equals("btrfs") ? BTRFS.root() : EXT4.root();
    ImageStore store = filesystem.equals("btrfs") ? btrfsStore : ext4Store;
    Process jimg = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djnr.ffi.asm.enabled=false", FakePool.lockDirectoryOption(), "-cp", System.getProperty("java.class.path"),
        RunMain.class.getName(),
        "store:" + pool, "deb", "chroot", "/bin/sh", "-c", "echo RUNNING; exec /bin/sleep 1000")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(jimg.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertTrue(line != null && line.startsWith("ROOT "), String.valueOf(line));
    Path root = Path.of(line.substring(5));
    RootProcesses inRoot = RootProcesses.of(root);
    OutputLines.await(out, "RUNNING"::equals, "the command runs");
    assertFalse(inRoot.find().isEmpty(), "the container runs in the root");

    jimg.destroyForcibly();
    assertTrue(jimg.waitFor(10, TimeUnit.SECONDS));
    assertEquals(List.of(), inRoot.awaitNone(), "no process is left in the root");
    assertTrue(Files.exists(root));

    store.list(true); // any command that touches the pool sweeps it

    assertFalse(Files.exists(root), "the sweep removed the root (unmounting an overlay first)");
    assertEquals(List.of(), jimgEntries(pool));
  }

  private static List<String> jimgEntries(Path pool) throws Exception {
    try (Stream<Path> entries = Files.list(pool)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".#jimg-")).toList();
    }
  }
}
