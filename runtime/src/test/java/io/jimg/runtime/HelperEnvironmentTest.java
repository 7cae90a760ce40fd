package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.JimgException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The variables a run sets are the payload's: the host's helper programs that start it never see them. */
class HelperEnvironmentTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  static FakePool pool;
  static PreparedRoots roots;

  @TempDir Path host;

  @BeforeAll
  static void image() {
    Requirements.requireTool("setpriv");
    Requirements.requireTool("unshare");
    Requirements.requireTool("systemd-nspawn");
    Requirements.requireTool("gcc");
    pool = new FakePool(BTRFS.root());
    pool.add("deb", DebianRoot.minbase(), true);
    roots = PreparedRoots.builder(pool).build();
  }

  /**
   * A host library whose constructor writes the name of every program that loads it to {@code sentinel}. Inside
   * the root its path does not exist, so the payload's loader skips it.
   */
  static Path preloadLibrary(Path directory, Path sentinel) throws Exception {
    Path source = Files.writeString(directory.resolve("mark.c"), """
        #include <fcntl.h>
        #include <unistd.h>
        __attribute__((constructor)) static void mark(void) {
          char exe[4096];
          ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
          int fd = open(SENTINEL, O_WRONLY | O_CREAT | O_APPEND, 0644);
          if (fd >= 0 && n > 0) {
            exe[n] = '\\n';
            write(fd, exe, n + 1);
          }
          if (fd >= 0) {
            close(fd);
          }
        }
        """);
    Path library = directory.resolve("mark.so");
    Commands.run("gcc", "-shared", "-fPIC", "-DSENTINEL=\"" + sentinel + "\"", "-o", library.toString(),
        source.toString());
    return library;
  }

  @ParameterizedTest
  @ValueSource(strings = {"nspawn", "chroot"})
  void aSetenvLdPreloadReachesThePayloadAndNoHostHelper(String engine) throws Exception {
    Path sentinel = host.resolve("loaded-by");
    Path library = preloadLibrary(host, sentinel);
    Path shared = Files.createDirectory(host.resolve("shared"));
    LaunchEngine launchEngine = engine.equals("nspawn") ? LaunchEngine.nspawn() : new ChrootEngine(pool);
    try (PreparedRoot root = roots.ephemeral("deb")) {
      LaunchSpec spec = LaunchSpec.command("/bin/sh", "-c", "printenv LD_PRELOAD > /mnt/shared/seen")
          .withBind(new LaunchSpec.Bind(shared, "/mnt/shared"))
          .withEnvironment("LD_PRELOAD", library.toString());
      assertEquals(0, new Launcher(launchEngine).run(root, spec));
    }
    assertFalse(Files.exists(sentinel), () -> "host programs loaded the library: " + read(sentinel));
    assertEquals(library + "\n", Files.readString(shared.resolve("seen")), "the payload has the variable");
  }

  /** Without the image's env the chroot engine has no way to set a variable that spares the host's programs. */
  @Test
  void aSetenvNeedsTheImagesEnv() throws Exception {
    try (PreparedRoot root = roots.ephemeral("deb")) {
      Files.delete(root.path().resolve("usr/bin/env"));
      JimgException refused = assertThrows(JimgException.class, () -> new Launcher(new ChrootEngine(pool))
          .run(root, LaunchSpec.command("/bin/true").withEnvironment("A", "1")));
      assertTrue(refused.getMessage().startsWith("--setenv needs /usr/bin/env in image deb"), refused.getMessage());
      assertTrue(refused.getMessage().contains("ENOENT"), refused.getMessage());
      assertEquals(0, new Launcher(new ChrootEngine(pool)).run(root, LaunchSpec.command("/bin/true")));
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (Exception e) {
      return e.toString();
    }
  }
}
