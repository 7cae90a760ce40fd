package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.CreateOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** `jimg run --engine=nspawn` on a Debian root image in a real pool on btrfs: in place and ephemeral. */
class NspawnRunTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  /**
   * Exits 99 outside a container systemd-nspawn made (it sets $container), else writes that and its pid and exits
   * with $CODE.
   */
  private static final String PROBE =
      "test \"$container\" = systemd-nspawn || exit 99; echo \"$container pid=$$\" > /etc/ran-in; exit $CODE";

  private final JimgRunner jimg = new JimgRunner();

  @BeforeAll
  static void image() throws Exception {
    Requirements.requireTool("systemd-nspawn");
    JimgRunner.store(BTRFS.root()).build().createTree("deb", CreateOptions.DEFAULT, image ->
        Commands.run("cp", "-a", "--reflink=auto", DebianRoot.minbase() + "/.", image.path().toString()));
  }

  private JimgRunner.Result run(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "--image-root=" + BTRFS.root();
    all[1] = "run";
    all[2] = "--engine=nspawn";
    System.arraycopy(args, 0, all, 3, args.length);
    return jimg.run(all);
  }

  /** The pool's entries: the image and nothing a run left behind (temporaries, snapshots, lock files). */
  private static List<String> pool() throws Exception {
    try (Stream<Path> entries = Files.list(BTRFS.root())) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void runsTheCommandInAContainerOnTheImageItself() throws Exception {
    JimgRunner.Result result = run("--setenv=CODE=0", "deb", "--", "/bin/sh", "-c", PROBE);
    assertEquals(0, result.exitCode(), result::toString);
    // As pid 2 under nspawn's stub init: a container of its own, not the host's pid namespace.
    assertEquals("systemd-nspawn pid=2\n", Files.readString(BTRFS.root().resolve("deb/etc/ran-in")));
    Files.delete(BTRFS.root().resolve("deb/etc/ran-in"));
    assertEquals(List.of("deb"), pool());
  }

  @Test
  void anEphemeralRunPassesItsExitStatusAndLeavesNothing() throws Exception {
    JimgRunner.Result result = run("-x", "--setenv=CODE=5", "deb", "--", "/bin/sh", "-c", PROBE);
    assertEquals(5, result.exitCode(), result::toString);
    assertFalse(Files.exists(BTRFS.root().resolve("deb/etc/ran-in")), "the write went to the ephemeral copy");
    assertEquals(List.of("deb"), pool());
    JimgRunner.Result listed = jimg.run("--image-root=" + BTRFS.root(), "list", "--json");
    assertEquals(0, listed.exitCode(), listed::toString);
    assertEquals(1, listed.out().split("\"name\": ").length - 1, listed::toString);
  }
}
