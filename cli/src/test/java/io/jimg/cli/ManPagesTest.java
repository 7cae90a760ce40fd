package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manual pages as man renders them: one per verb and jimg(1), with no warning from groff. */
class ManPagesTest {
  @TempDir Path directory;

  private record Rendered(int exitCode, String out, String err) {}

  private static Rendered man(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("man"));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("MANWIDTH", "80");
    builder.environment().put("MAN_KEEP_FORMATTING", "");
    builder.environment().remove("MANPAGER");
    builder.environment().put("PAGER", "cat");
    Path err = Files.createTempFile("man-", ".err");
    try {
      Process process = builder.redirectError(err.toFile()).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Rendered(process.waitFor(), out, Files.readString(err));
    } finally {
      Files.delete(err);
    }
  }

  private List<Path> pages() throws IOException {
    ManPages.main(new String[] {directory.toString(), "1.2.3", "2026-01-02"});
    try (Stream<Path> files = Files.list(directory)) {
      return files.sorted().toList();
    }
  }

  @Test
  void everyVerbHasAPageAndEveryPageRendersWithoutWarnings() throws Exception {
    Requirements.requireTool("man");
    List<Path> pages = pages();
    List<String> names = pages.stream().map(p -> p.getFileName().toString()).toList();
    for (String verb : CommandLineTest.VERBS) {
      assertTrue(names.contains("jimg-" + verb + ".1"), verb + " in " + names);
    }
    assertTrue(names.contains("jimg.1"), names::toString);
    for (Path page : pages) {
      Rendered rendered = man("--warnings", "-l", page.toString());
      assertEquals(0, rendered.exitCode(), page + ": " + rendered);
      assertEquals("", rendered.err(), page + " renders with warnings");
      String verb = page.getFileName().toString().replaceAll("\\.1$", "");
      assertTrue(rendered.out().startsWith(verb.toUpperCase() + "(1)"), rendered.out());
      assertTrue(rendered.out().contains("\nNAME\n       " + verb + " - "), rendered.out());
      assertTrue(rendered.out().contains("jimg 1.2.3") && rendered.out().contains("2026-01-02"), rendered.out());
    }
  }

  @Test
  void jimgsPageListsTheVerbsTheExitCodesAndTheEnvironment() throws Exception {
    Requirements.requireTool("man");
    pages();
    String page = man("-l", directory.resolve("jimg.1").toString()).out();
    for (String line : List.of("EXIT STATUS", "       0      done", "       4      busy: the image is locked",
        "       7      cancelled on request", "       128+N  stopped by signal N: 130 for Ctrl-C (SIGINT)",
        "ENVIRONMENT", "       JIMG_IMAGE_ROOT", "       clone  Clone an image under a new name",
        "       --image-root=DIR")) {
      assertTrue(page.contains("\n" + line), line + " in " + page);
    }
    for (JimgException.Reason reason : JimgException.Reason.values()) {
      assertTrue(page.contains("\n       " + reason.exitCode() + "      "), reason + " in " + page);
    }
  }

  @Test
  void aVerbsPageHasItsArgumentsOptionsAndExamplesWithMinusSignsThatCopy() throws Exception {
    Requirements.requireTool("man");
    pages();
    String page = man("-l", directory.resolve("jimg-run.1").toString()).out();
    assertTrue(page.contains("\nSYNOPSIS\n       jimg run [OPTIONS] NAME [COMMAND]...\n"), page);
    assertTrue(page.contains("\n       --engine=ENGINE\n"), page);
    assertTrue(page.contains("\nEXAMPLES\n           jimg run -x debian -- /bin/sh -c 'apt-get update'\n"), page);
    assertTrue(page.chars().allMatch(c -> c < 0x2010 || c > 0x2015), "hyphens are ASCII minus signs: " + page);
  }
}
