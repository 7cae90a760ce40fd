package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jimg.btrfs.testing.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures of system calls on files the user names say which file and which errno, whoever made the call. */
class ErrnoInMessagesTest {
  @TempDir Path files;
  @TempDir Path pool;

  private JimgRunner.Result jimg(String... args) {
    return new JimgRunner().runIn(pool, args);
  }

  @Test
  void importTarOfADirectoryNamesEisdir() {
    JimgRunner.Result result = jimg("import-tar", files.toString(), "x");
    assertEquals(1, result.exitCode(), result::toString);
    assertEquals("jimg: cannot import-tar: " + files + ": EISDIR (is a directory)\n", result.err());
  }

  /** A signed mirror of a small tar.xz: the keyring is read before anything is fetched past the sums. */
  private String signedMirror() throws Exception {
    Path tree = Files.createDirectory(files.resolve("tree"));
    Files.writeString(tree.resolve("hello"), "world");
    Path archive = files.resolve("root.tar.xz");
    Commands.run("tar", "-C", tree.toString(), "-cJf", archive.toString(), ".");
    String sum = Commands.run("sha256sum", archive.toString()).split(" ")[0];
    Files.writeString(files.resolve("SHA256SUMS"), sum + " *root.tar.xz\n");
    Files.writeString(files.resolve("SHA256SUMS.gpg"), "not read: the keyring fails first");
    return archive.toUri().toString();
  }

  @Test
  void aMissingKeyringIsExit1WithEnoent() throws Exception {
    Path keyring = files.resolve("x.gpg");
    JimgRunner.Result result = jimg("pull-tar", "--keyring=" + keyring, signedMirror(), "root");
    assertEquals(1, result.exitCode(), result::toString);
    assertEquals("jimg: cannot read keyring " + keyring + ": ENOENT (no such file or directory)\n", result.err());
  }

  @Test
  void aKeyringThatIsADirectoryNamesEisdir() throws Exception {
    Path keyring = Files.createDirectory(files.resolve("keys.gpg"));
    JimgRunner.Result result = jimg("pull-tar", "--keyring=" + keyring, signedMirror(), "root");
    assertEquals(1, result.exitCode(), result::toString);
    assertEquals("jimg: cannot read keyring " + keyring + ": EISDIR (is a directory)\n", result.err());
  }
}
