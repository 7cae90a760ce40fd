package io.jimg.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package the build made, installed with dpkg on this machine as a user would: the command, its man pages, its
 * completion and its units work from where the package puts them, and dpkg -r leaves nothing of it behind.
 */
class DebianPackageTest {
  private static final Path COMMAND = Path.of("/usr/bin/jimg");

  @TempDir Path directory;

  private static Path builtPackage() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      List<Path> packages = files.filter(f -> f.getFileName().toString().matches("jimg_.*_all\\.deb")).toList();
      assertEquals(1, packages.size(), "the build made one package: " + packages);
      return packages.get(0).toAbsolutePath();
    }
  }

  private static boolean installed() {
    return Commands.exec("dpkg-query", "-W", "-f=${Status}", "jimg").output().contains("installed");
  }

  /** jimg as installed, on a pool and lock directory of the test's own. */
  private String jimg(String... arguments) {
    List<String> command = new ArrayList<>(List.of("env", "JIMG_LOCK_DIRECTORY=" + directory.resolve("locks"),
        COMMAND.toString(), "--image-root=" + directory.resolve("pool")));
    command.addAll(List.of(arguments));
    return Commands.run(command);
  }

  @Test
  void installsWorksAndRemovesLeavingNothingBehind() throws Exception {
    Requirements.requireRoot();
    Requirements.requireTool("dpkg-deb");
    Requirements.requireTool("man");
    Path deb = builtPackage();
    assertFalse(installed() || Files.exists(COMMAND, LinkOption.NOFOLLOW_LINKS),
        "a jimg is installed on this machine already; the test does not replace it");
    List<String> files;
    try {
      Commands.run("dpkg", "-i", deb.toString());
      files = List.of(Commands.run("dpkg", "-L", "jimg").strip().split("\n"));
      for (String file : List.of("/usr/bin/jimg", "/usr/share/jimg/jimg.jar", "/usr/share/man/man1/jimg.1.gz",
          "/usr/share/man/man1/jimg-import-tar.1.gz", "/usr/share/bash-completion/completions/jimg",
          "/usr/lib/systemd/system/jimgd.socket", "/usr/lib/systemd/system/jimgd.service",
          "/usr/share/doc/jimg/copyright", "/usr/share/doc/jimg/changelog.gz")) {
        assertTrue(files.contains(file), file + " in " + files);
      }
      assertTrue(Files.readString(Path.of("/usr/lib/systemd/system/jimgd.service"))
          .contains("\nExecStart=/usr/bin/jimg serve\n"));
      assertFalse(Commands.exec("systemctl", "is-enabled", "jimgd.socket").output().strip().equals("enabled"),
          "the package enables nothing");

      assertTrue(Commands.run(COMMAND.toString(), "--version")
          .matches("jimg \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit \\w+, built \\d{4}-\\d\\d-\\d\\d\\)\n"));
      assertTrue(Files.isRegularFile(Path.of("/var/cache/jimg/jimg.jsa")),
          "the launcher made its class-data archive where the package lets it");
      Path tree = Files.createDirectories(directory.resolve("tree/etc"));
      Files.writeString(tree.resolve("os-release"), "ID=packaged\n");
      jimg("import-fs", directory.resolve("tree").toString(), "packaged");
      assertTrue(jimg("list").contains("packaged"), "the installed command reads and writes a pool");

      assertEquals("/usr/share/man/man1/jimg.1.gz\n", Commands.run("man", "-w", "jimg"));
      assertTrue(Commands.run("env", "MANWIDTH=80", "man", "jimg-clone").contains("jimg clone [OPTIONS] SRC DST"));
      assertTrue(Commands.run("bash", "-c", "source /usr/share/bash-completion/completions/jimg && complete -p jimg")
          .contains("-F _jimg jimg"));
    } finally {
      if (installed()) {
        Commands.run("dpkg", "-r", "jimg");
      }
    }
    assertFalse(installed());
    assertFalse(Commands.exec("dpkg-query", "-W", "jimg").succeeded(), "dpkg keeps no record of it");
    for (String file : files) {
      Path path = Path.of(file).normalize();
      if (path.equals(Path.of("/"))) {
        continue; // dpkg -L lists the root as "/."
      }
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        assertTrue(Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && Commands.exec("dpkg-query", "-S", file)
            .succeeded(), file + " is left behind, and belongs to no other package");
      }
    }
    assertFalse(Files.exists(Path.of("/usr/share/jimg")));
    assertFalse(Files.exists(Path.of("/var/cache/jimg")), "the class-data archive went with the package");
  }
}
