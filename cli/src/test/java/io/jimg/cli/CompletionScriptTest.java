package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionScriptTest {
  private final JimgRunner.Result result = new JimgRunner().run("generate-completion");

  @Test
  void mentionsEveryVerbAndGlobalOption() {
    assertEquals(0, result.exitCode(), result::toString);
    for (String verb : CommandLineTest.VERBS) {
      assertTrue(result.out().contains("\n    " + verb + ")\n"), verb + " in " + result.out());
    }
    for (String option : new String[] {"--image-root", "--json", "--quiet", "--debug", "--read-only", "--all"}) {
      assertTrue(result.out().contains(" " + option), option);
    }
    assertFalse(result.out().contains("\n    " + CompleteNamesCommand.NAME + ")"), "the hidden verb is not offered");
    assertTrue(result.out().endsWith("complete -F _jimg jimg\n"));
  }

  @Test
  void completesImageNamesThroughTheHiddenVerb() {
    assertTrue(result.out().contains(CompleteNamesCommand.NAME + " 2>/dev/null"), result.out());
  }

  /** Runs the script's function in bash as bash-completion would, with a stand-in jimg that prints names. */
  private String complete(Path directory, String line) throws IOException, InterruptedException {
    return complete(directory, "fake-jimg", directory.resolve("fake-jimg").toString(), line);
  }

  /**
   * As {@link #complete(Path, String)}, with the stand-in at {@code fake} (relative to {@code directory}, where bash
   * runs) and the command line's first word {@code command}.
   */
  private String complete(Path directory, String fake, String command, String line)
      throws IOException, InterruptedException {
    Path script = directory.resolve("jimg.bash");
    Files.writeString(script, result.out());
    Path fakeJimg = directory.resolve(fake);
    Files.createDirectories(fakeJimg.getParent());
    Files.writeString(fakeJimg, "#!/bin/sh\necho \"$*\" >> " + directory.resolve("calls") + "\nprintf 'debian\\ndeb 2\\n.hidden\\n'\n");
    fakeJimg.toFile().setExecutable(true);
    String driver = "source " + script + "\n"
        + "COMP_WORDS=(" + command + " " + line + ")\n"
        + "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
        + "_jimg\n"
        + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    Process bash = new ProcessBuilder("bash", "-c", driver).directory(directory.toFile()).redirectErrorStream(true)
        .start();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, bash.waitFor(), output);
    return output;
  }

  @Test
  void bashCompletesVerbsOptionsAndNames(@TempDir Path directory) throws Exception {
    assertEquals("rename\nremove\nread-only\nrun\n", complete(directory, "r"));
    assertEquals("--read-only\n", complete(directory, "clone --rea"));
    assertEquals("debian\ndeb\\ 2\n", complete(directory, "show deb"));
    assertEquals("true\nfalse\n", complete(directory, "read-only debian ''"));
    assertEquals("\n", complete(directory, "clone debian ''"), "no names for the new name");
    assertEquals("debian\ndeb\\ 2\n", complete(directory, "remove debian d"), "remove takes many names");
  }

  @Test
  void bashCompletesOptionValuesFromTheirClosedSets(@TempDir Path directory) throws Exception {
    assertEquals("nspawn\nchroot\n", complete(directory, "run --engine ''"));
    assertEquals("chroot\n", complete(directory, "run --engine = c"), "--engine=c, as bash splits it");
    assertEquals("xz\n", complete(directory, "export-tar debian out.tar --format x"));
    assertEquals("signature\nchecksum\nno\n", complete(directory, "pull --verify ''"));
    assertEquals("tar\nraw\n", complete(directory, "pull --format ''"));
    assertEquals("debian\ndeb\\ 2\n", complete(directory, "run --template d"), "a template is an image name");
    assertEquals("\n", complete(directory, "run --setenv ''"), "a free value gets no image names");
  }

  @Test
  void anOptionsValueIsNotCountedAsAParameter(@TempDir Path directory) throws Exception {
    assertEquals("debian\ndeb\\ 2\n", complete(directory, "run --engine chroot d"));
    assertEquals("debian\ndeb\\ 2\n", complete(directory, "run --engine = chroot d"));
    assertEquals("\n", complete(directory, "show debian --json d"), "a flag takes no value: d is a second name");
  }

  @Test
  void theHelpVerbCompletesVerbs(@TempDir Path directory) throws Exception {
    assertEquals("clone\nclean\n", complete(directory, "help cl"));
    assertEquals("\n", complete(directory, "help clone ''"));
  }

  @Test
  void theLauncherCompletesNamesFromItself(@TempDir Path directory) throws Exception {
    assertEquals("debian\ndeb\\ 2\n", complete(directory, "bin/jimg", "bin/jimg", "show d"));
    assertEquals("debian\ndeb\\ 2\n", complete(directory, "bin/jimg", "./bin/jimg", "show d"));
    assertEquals("__complete-names\n__complete-names\n",
        Files.readString(directory.resolve("calls")), "the launcher the line names was asked, twice");
  }

  @Test
  void namesComeFromThePoolTheCommandLineNames(@TempDir Path directory) throws Exception {
    complete(directory, "--image-root /srv/pool show ''");
    complete(directory, "show --image-root = /srv/other ''");
    assertEquals("--image-root /srv/pool __complete-names\n--image-root /srv/other __complete-names\n",
        Files.readString(directory.resolve("calls")));
  }
}
