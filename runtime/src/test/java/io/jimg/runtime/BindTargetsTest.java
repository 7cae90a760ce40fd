package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Mounts;
import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.Access;
import io.jimg.images.JimgException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bind lands where the spec says, inside the root, and nowhere else: not on a host directory that a symlink in
 * the image points at, and not in the host's mount table while the run lasts or after it.
 */
class BindTargetsTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  static FakePool pool;
  static PreparedRoots roots;

  @TempDir Path host;
  Path sentinel;
  Path source;
  List<String> mountsBefore;

  @BeforeAll
  static void image() {
    Requirements.requireTool("setpriv");
    Requirements.requireTool("unshare");
    Requirements.requireTool("systemd-nspawn");
    // Shared, as systemd makes every mount: staging made there propagates unless made private.
    Commands.run("mount", "--make-shared", BTRFS.root().toString());
    pool = new FakePool(BTRFS.root());
    pool.add("deb", DebianRoot.minbase(), true);
    roots = PreparedRoots.builder(pool).build();
  }

  @BeforeEach
  void hostDirectories() throws Exception {
    sentinel = Files.createDirectory(host.resolve("sentinel"));
    Files.writeString(sentinel.resolve("marker"), "host");
    source = Files.createDirectory(host.resolve("source"));
    PausedRun.makeFifos(source);
    mountsBefore = mounts();
  }

  /** Takes down what a run that went wrong left on the host, so that the temporary directory can go. */
  @AfterEach
  void unmountLeftovers() throws Exception {
    try (Fd fd = Fd.openDirectory(host)) {
      while (Mounts.unmount(fd, FileNames.bytes("sentinel"))) {
        // one mount a turn, until none is left
      }
    }
  }

  static LaunchEngine engine(String name) {
    return name.equals("nspawn") ? LaunchEngine.nspawn() : new ChrootEngine(pool);
  }

  List<String> mounts() throws Exception {
    return HostMounts.naming(HostMounts.marker(host), HostMounts.marker(BTRFS.root().getParent()));
  }

  void assertTheHostIsUntouched() throws Exception {
    assertEquals(mountsBefore, mounts(), "the host's mount table");
    try (Stream<Path> entries = Files.list(sentinel)) {
      assertEquals(List.of("marker"), entries.map(p -> p.getFileName().toString()).toList(), "the sentinel");
    }
    assertEquals(List.of(), pool.scratchNames(), "staging is gone");
  }

  /**
   * The image's {@code /mnt/data} is a symlink to a host directory. The chroot engine refuses to mount over a
   * symlink; systemd-nspawn follows it inside the root. Neither mounts anything on the host.
   */
  @ParameterizedTest
  @ValueSource(strings = {"nspawn", "chroot"})
  void aBindOntoAnImageSymlinkNeverMountsOnTheHost(String engine) throws Exception {
    try (PreparedRoot root = roots.ephemeral("deb")) {
      Files.createSymbolicLink(root.path().resolve("mnt/data"), sentinel);
      LaunchSpec spec = LaunchSpec.command(PausedRun.payload("/mnt/data"))
          .withBind(new LaunchSpec.Bind(source, "/mnt/data"));
      if (engine.equals("chroot")) {
        JimgException refused =
            assertThrows(JimgException.class, () -> new Launcher(engine(engine)).run(root, spec));
        assertTrue(refused.getMessage().contains("/mnt/data") && refused.getMessage().contains("symlink"),
            refused.getMessage());
      } else {
        assertEquals(0, PausedRun.run(engine(engine), root, spec, source,
            () -> assertEquals(mountsBefore, mounts(), "the host's mount table while the payload runs")));
      }
    }
    assertTheHostIsUntouched();
  }

  /** A symlink above the mount point is followed as the container would: inside the root. */
  @ParameterizedTest
  @ValueSource(strings = {"nspawn", "chroot"})
  void aBindBelowASymlinkedDirectoryStaysInsideTheRoot(String engine) throws Exception {
    try (PreparedRoot root = roots.ephemeral("deb")) {
      // The same absolute path exists on the host (the sentinel) and in the image.
      Files.createDirectories(root.path().resolve(sentinel.toString().substring(1)));
      Files.createSymbolicLink(root.path().resolve("srv/link"), sentinel);
      LaunchSpec spec = LaunchSpec.command("/bin/sh", "-c", "echo inside > /srv/link/data/out")
          .withBind(new LaunchSpec.Bind(source, "/srv/link/data"));
      assertEquals(0, new Launcher(engine(engine)).run(root, spec));
    }
    assertEquals("inside\n", Files.readString(source.resolve("out")));
    assertTheHostIsUntouched();
  }

  /** {@code --bind=SRC:/data}: a mount point right below the root. */
  @ParameterizedTest
  @ValueSource(strings = {"nspawn", "chroot"})
  void aBindOneLevelBelowTheRootWorks(String engine) throws Exception {
    try (PreparedRoot root = roots.ephemeral("deb")) {
      LaunchSpec spec = LaunchSpec.command("/bin/sh", "-c", "echo top > /data/out")
          .withBind(LaunchSpec.Bind.parse(source + ":/data"));
      assertEquals(0, new Launcher(engine(engine)).run(root, spec));
    }
    assertEquals("top\n", Files.readString(source.resolve("out")));
    assertTheHostIsUntouched();
  }

  /** The staging of a read-only root with a bind exists, once the payload runs, only in the container. */
  @ParameterizedTest
  @ValueSource(strings = {"nspawn", "chroot"})
  void whileABindRunLastsTheHostHoldsNoneOfItsMounts(String engine) throws Exception {
    try (PreparedRoot root = roots.image("deb", Access.READ)) {
      LaunchSpec spec = LaunchSpec.command(PausedRun.payload("/var/tmp"))
          .withBind(new LaunchSpec.Bind(source, "/var/tmp"))
          .withReadOnly(true);
      assertEquals(0, PausedRun.run(engine(engine), root, spec, source,
          () -> assertEquals(mountsBefore, mounts(), "the host's mount table while the payload runs")));
    }
    assertTheHostIsUntouched();
  }

  /** unshare mounts the container's /proc on the root's proc: a symlink there is refused like any mount point's. */
  @Test
  void aRootWhoseProcIsASymlinkIsRefusedByTheChrootEngine() throws Exception {
    try (PreparedRoot root = roots.ephemeral("deb")) {
      Files.delete(root.path().resolve("proc"));
      Files.createSymbolicLink(root.path().resolve("proc"), sentinel);
      JimgException refused = assertThrows(JimgException.class, () -> new Launcher(engine("chroot"))
          .run(root, LaunchSpec.command("/bin/true").withBind(new LaunchSpec.Bind(source, "/data"))));
      assertTrue(refused.getMessage().contains("/proc is not a directory"), refused.getMessage());
    }
    assertTheHostIsUntouched();
  }

  /** A file binds onto a file, created where missing; a directory never covers a file. */
  @Test
  void aBindKeepsItsTypeInTheChrootEngine() throws Exception {
    Path greeting = Files.writeString(host.resolve("greeting"), "hello\n");
    try (PreparedRoot root = roots.ephemeral("deb")) {
      LaunchSpec spec = LaunchSpec.command("/bin/sh", "-c", "cat /etc/greeting > /data/out")
          .withBind(new LaunchSpec.Bind(greeting, "/etc/greeting"))
          .withBind(new LaunchSpec.Bind(source, "/data"));
      assertEquals(0, new Launcher(engine("chroot")).run(root, spec));
      assertEquals("hello\n", Files.readString(source.resolve("out")));

      JimgException refused = assertThrows(JimgException.class, () -> new Launcher(engine("chroot"))
          .run(root, LaunchSpec.command("/bin/true").withBind(new LaunchSpec.Bind(source, "/etc/hostname"))));
      assertTrue(refused.getMessage().contains("/etc/hostname"), refused.getMessage());
    }
    assertTheHostIsUntouched();
  }
}
