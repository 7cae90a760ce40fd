package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.CreateOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** `jimg run` and `jimg provision` on a real store and a Debian root. */
class RunAndProvisionTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  private final JimgRunner jimg = new JimgRunner();

  @BeforeAll
  static void image() throws Exception {
    Requirements.requireTool("setpriv");
    Requirements.requireTool("unshare");
    JimgRunner.store(BTRFS.root()).build().createTree("deb", CreateOptions.DEFAULT, image ->
        Commands.run("cp", "-a", "--reflink=auto", DebianRoot.minbase() + "/.", image.path().toString()));
  }

  String pool() {
    return "--image-root=" + BTRFS.root();
  }

  @Test
  void runPassesTheExitStatusThroughAndLeavesTheImageAlone() throws Exception {
    JimgRunner.Result result = jimg.run(pool(), "run", "-x", "--engine=chroot", "--setenv=CODE=5", "deb", "--",
        "/bin/sh", "-c", "touch /etc/from-run; exit $CODE");
    assertEquals(5, result.exitCode(), result::toString);
    assertFalse(Files.exists(BTRFS.root().resolve("deb/etc/from-run")));
    assertEquals(0, leftOver(), "no temporary and no lock file stays behind");
  }

  /** The pool's temporaries and lock files: none is left once a command is done. */
  private static long leftOver() throws Exception {
    try (Stream<Path> entries = Files.list(BTRFS.root())) {
      return entries.map(p -> p.getFileName().toString())
          .filter(name -> name.startsWith(".#jimg-") || name.startsWith(".#") && name.endsWith(".lck")).count();
    }
  }

  @Test
  void runFromATemplateKeepsTheNewImage() throws Exception {
    JimgRunner.Result result = jimg.run(pool(), "run", "--engine=chroot", "--template=deb", "made", "--",
        "/bin/touch", "/etc/kept");
    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(Files.exists(BTRFS.root().resolve("made/etc/kept")));
    assertEquals(0, leftOver(), "the run's locks on the template and the new image are gone with it");
  }

  @Test
  void ephemeralAndTemplateDoNotMix() {
    JimgRunner.Result result = jimg.run(pool(), "run", "-x", "--template=deb", "other", "--", "/bin/true");
    assertEquals(2, result.exitCode(), result::toString);
    assertTrue(result.err().startsWith("jimg: "), result::toString);
  }

  @Test
  void provisionMakesTheFleetAndSaysHowLongItTook() throws Exception {
    JimgRunner.Result result = jimg.run(pool(), "provision", "deb", "--count", "3", "--prefix", "node", "--start", "4");
    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.out().matches("Provisioned 3 images \\(node4 to node6\\) in \\d+ ms\n"), result::toString);
    assertEquals("node5\n", Files.readString(BTRFS.root().resolve("node5/etc/hostname")));

    JimgRunner.Result again = jimg.run(pool(), "provision", "deb", "--count", "2", "--prefix", "node", "--start", "6");
    assertEquals(6, again.exitCode(), again::toString);
    assertFalse(Files.exists(BTRFS.root().resolve("node7")), "all or nothing");
  }
}
