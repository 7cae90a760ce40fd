package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NAME.nspawn's [Exec] settings read as systemd-nspawn reads them. */
class ExecSettingsTest {
  private static ExecSettings parse(String text) throws JimgException {
    return ExecSettings.parse(text.getBytes(StandardCharsets.UTF_8), "deb.nspawn");
  }

  @Test
  void theLastBootLineOfExecCountsAndAWordSystemdDoesNotReadChangesNothing() throws JimgException {
    assertTrue(parse("[Exec]\nBoot=yes\nBoot=no\n").saysNoBoot());
    assertTrue(parse("[Exec]\nBoot=off\nBoot=perhaps\n").saysNoBoot());
    assertEquals(Boolean.TRUE, parse("[Exec]\nBoot=no\nBoot=on\n").boot());
    assertNull(parse("[Exec]\nParameters=/bin/true\n").boot(), "no Boot= line");
    assertFalse(parse("[Network]\nBoot=no\n[Exec]\nPrivateUsers=no\n").saysNoBoot(), "Boot= counts in [Exec] only");
    assertFalse(parse("[Exec]\n# Boot=no\n; Boot=no\n").saysNoBoot(), "comments");
  }

  @Test
  void listLinesAddAnEmptyOneEmptiesAndABackslashAtTheEndContinues() throws JimgException {
    ExecSettings settings = parse("[Exec]\nParameters=/bin/sh -c \"echo 'a b'\"\nEnvironment=A=1\nEnvironment=\n"
        + "Environment=B=2 \\\n  C=\"3 4\"\nUser=app\nWorkingDirectory=/srv\nParameters=x\\y ''\n");
    assertEquals(List.of("/bin/sh", "-c", "echo 'a b'", "x\\y", ""), settings.parameters());
    assertEquals(List.of("B=2", "C=3 4"), settings.environment());
    assertEquals("app", settings.user());
    assertEquals("/srv", settings.workingDirectory());
  }

  @Test
  void anUnclosedQuoteNamesTheFile() {
    JimgException e = assertThrows(JimgException.class, () -> parse("[Exec]\nParameters=/bin/sh \"-c\n"));
    assertTrue(e.getMessage().startsWith("cannot read deb.nspawn: an unclosed quote"), e.getMessage());
  }

  @Test
  void aListOfMoreThanItsMaximumIsRefused() {
    String many = "x ".repeat(ExecSettings.LIST_MAX + 1);
    JimgException e = assertThrows(JimgException.class, () -> parse("[Exec]\nParameters=" + many + "\n"));
    assertTrue(e.getMessage().contains("a list of more than " + ExecSettings.LIST_MAX), e.getMessage());
  }

  /** The file is read as a regular file only, never through a symlink or from a fifo, and bounded. */
  @Test
  void aSettingsFileIsReadOnlyAsABoundedRegularFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path directory)
      throws Exception {
    java.nio.file.Path file = java.nio.file.Files.writeString(directory.resolve("app.nspawn"), "[Exec]\nBoot=no\n");
    assertTrue(ExecSettings.parse(ExecSettings.readFile(file), file.toString()).saysNoBoot());

    java.nio.file.Path link = java.nio.file.Files.createSymbolicLink(directory.resolve("link.nspawn"), file);
    assertEquals(JimgException.Reason.FAILED, assertThrows(JimgException.class,
        () -> ExecSettings.readFile(link)).reason());
    java.nio.file.Path fifo = directory.resolve("fifo.nspawn");
    new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
    assertThrows(JimgException.class, () -> ExecSettings.readFile(fifo), "a fifo is never opened (it would hang)");
    java.nio.file.Path large = directory.resolve("large.nspawn");
    java.nio.file.Files.write(large, new byte[ExecSettings.FILE_MAX + 1]);
    assertTrue(assertThrows(JimgException.class, () -> ExecSettings.readFile(large)).getMessage()
        .contains("larger than 1 MiB"));
  }
}
