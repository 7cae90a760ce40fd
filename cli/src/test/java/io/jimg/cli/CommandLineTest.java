package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing, help and usage errors: everything the command does before it asks the store. */
class CommandLineTest {
  static final List<String> VERBS =
      List.of("list", "show", "clone", "rename", "remove", "read-only", "set-limit", "clean", "generate-completion", "run",
          "provision", "import-tar", "import-raw", "import-fs", "export-tar", "export-raw", "push");

  private final JimgRunner jimg = new JimgRunner();

  /** The version line: the project's version, the commit it was built from ("unknown" outside git) and the day. */
  static final String VERSION_LINE =
      "jimg \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{7,40}|unknown), built \\d{4}-\\d\\d-\\d\\d\\)\n";

  @Test
  void versionNamesTheProjectTheCommitAndTheDay() throws Exception {
    JimgRunner.Result result = jimg.run("--version");
    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.out().matches(VERSION_LINE), result::toString);
    Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
    String head = new String(git.getInputStream().readAllBytes()).strip();
    if (git.waitFor() == 0) {
      String commit = result.out().replaceAll("(?s).*\\(commit (\\S+),.*", "$1");
      assertTrue(head.startsWith(commit), "built in this clone, at " + head + ": " + result);
    }
  }

  @Test
  void theHelpVerbShowsWhatHelpShows() {
    JimgRunner.Result verbs = jimg.run("help");
    assertEquals(0, verbs.exitCode(), verbs::toString);
    assertEquals(jimg.run("--help").out(), verbs.out());
    assertTrue(verbs.out().contains("\n  help "), verbs::toString);
    JimgRunner.Result clone = jimg.run("help", "clone");
    assertEquals(0, clone.exitCode(), clone::toString);
    assertEquals(jimg.run("clone", "--help").out(), clone.out());
    JimgRunner.Result unknown = jimg.run("help", "frobnicate");
    assertEquals(2, unknown.exitCode(), unknown::toString);
    assertTrue(unknown.err().startsWith("jimg: ") && unknown.err().contains("frobnicate"), unknown::toString);
  }

  @Test
  void helpListsEveryVerbButNotTheHiddenOne() {
    JimgRunner.Result result = jimg.run("--help");
    assertEquals(0, result.exitCode(), result::toString);
    for (String verb : VERBS) {
      assertTrue(result.out().contains("\n  " + verb + " "), verb + " in " + result.out());
    }
    assertFalse(result.out().contains(CompleteNamesCommand.NAME), result::toString);
  }

  @ParameterizedTest
  @ValueSource(strings = {"list", "show", "clone", "rename", "remove", "read-only", "set-limit", "clean",
      "generate-completion", "run", "provision", "push"})
  void everyVerbHasHelpWithAnExample(String verb) {
    for (List<String> args : List.of(List.of(verb, "--help"), List.of(verb, "-h"), List.of("--json", verb, "--help"))) {
      JimgRunner.Result result = jimg.run(args.toArray(String[]::new));
      assertEquals(0, result.exitCode(), result::toString);
      assertTrue(result.out().startsWith("Usage: jimg " + verb), result::toString);
      assertTrue(result.out().contains("\nExample:\n  jimg " + verb), result::toString);
      assertTrue(result.out().contains("--image-root=DIR"), "global options are listed: " + result);
      assertEquals("", result.err());
    }
  }

  @Test
  void globalOptionsWorkBeforeTheVerb() {
    JimgCommand parsed = jimg.parse("--image-root=/srv/pool", "--json", "-q", "--debug", "list");
    assertEquals(Path.of("/srv/pool"), parsed.imageRoot());
    assertTrue(parsed.json() && parsed.quiet() && parsed.debug());
  }

  @Test
  void globalOptionsWorkAfterTheVerb() {
    JimgCommand parsed = jimg.parse("show", "deb", "--image-root", "/srv/pool", "--json", "--quiet", "--debug");
    assertEquals(Path.of("/srv/pool"), parsed.imageRoot());
    assertTrue(parsed.json() && parsed.quiet() && parsed.debug());
  }

  @Test
  void globalOptionsDefaultOff() {
    JimgCommand parsed = jimg.parse("list");
    assertNull(parsed.imageRoot());
    assertFalse(parsed.json() || parsed.quiet() || parsed.debug());
  }

  @Test
  void imageRootComesFromTheEnvironmentUnlessTheOptionIsGiven() {
    jimg.env(JimgCommand.IMAGE_ROOT_VARIABLE, "/srv/from-env");
    assertEquals(Path.of("/srv/from-env"), jimg.parse("list").imageRoot());
    assertEquals(Path.of("/srv/option"), jimg.parse("list", "--image-root=/srv/option").imageRoot());
    jimg.env(JimgCommand.IMAGE_ROOT_VARIABLE, "");
    assertNull(jimg.parse("list").imageRoot(), "an empty variable means the default");
  }

  @Test
  void relativeImageRootIsMadeAbsolute() {
    assertEquals(Path.of("pool").toAbsolutePath(), jimg.parse("--image-root=pool", "list").imageRoot());
  }

  @Test
  void noVerbIsAUsageError() {
    assertUsageError(jimg.run(), "jimg: a verb is missing (see 'jimg --help')\n");
  }

  @Test
  void unknownVerbSuggestsTheNearestOne() {
    assertUsageError(jimg.run("lst"), "jimg: unknown verb 'lst'; did you mean 'list'? (see 'jimg --help')\n");
  }

  @Test
  void unknownVerbSuggestsOnlyCloseMatchesOrNone() {
    assertUsageError(jimg.run("frobnicate"), "jimg: unknown verb 'frobnicate' (see 'jimg --help')\n");
    assertUsageError(jimg.run("improt-tar"),
        "jimg: unknown verb 'improt-tar'; did you mean 'import-tar'? (see 'jimg --help')\n");
    assertUsageError(jimg.run("export"),
        "jimg: unknown verb 'export'; did you mean 'export-raw' or 'export-tar'? (see 'jimg --help')\n");
    assertUsageError(jimg.run("rm"), "jimg: unknown verb 'rm' (see 'jimg --help')\n");
  }

  @Test
  void withJsonAUsageErrorIsOneJsonObject() {
    JimgRunner.Result result = jimg.run("--json", "provision", "deb", "--count", "0");
    assertEquals(2, result.exitCode(), result::toString);
    assertEquals("{\"error\": \"invalid value for option '--count': '0' is less than 1 (see 'jimg provision --help')\", "
        + "\"code\": 2}\n", result.err());
  }

  @Test
  void setenvWithoutEqualsIsAUsageErrorWithOnePrefix() {
    JimgRunner.Result result = jimg.run("run", "--setenv=NOEQUALS", "deb");
    assertEquals(2, result.exitCode(), result::toString);
    assertEquals("jimg: --setenv wants KEY=VALUE, not NOEQUALS\n", result.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1"})
  void provisionCountBelowOneIsAUsageError(String count) {
    assertUsageError(jimg.run("provision", "deb", "--count", count),
        "jimg: invalid value for option '--count': '" + count + "' is less than 1 (see 'jimg provision --help')\n");
  }

  @Test
  void provisionNegativeStartIsAUsageError() {
    assertUsageError(jimg.run("provision", "deb", "--count", "2", "--start=-1"),
        "jimg: invalid value for option '--start': '-1' is less than 0 (see 'jimg provision --help')\n");
  }

  @Test
  void unknownOptionNamesTheVerbToAskForHelp() {
    assertUsageError(jimg.run("list", "--bogus"), "jimg: unknown option: '--bogus' (see 'jimg list --help')\n");
    assertUsageError(jimg.run("--bogus", "list"), "jimg: unknown option: '--bogus' (see 'jimg --help')\n");
  }

  @Test
  void missingParameterIsAUsageError() {
    assertUsageError(jimg.run("clone", "debian"), "jimg: missing required parameter: 'DST' (see 'jimg clone --help')\n");
    assertUsageError(jimg.run("remove"), "jimg: missing required parameter: 'NAME' (see 'jimg remove --help')\n");
    assertUsageError(jimg.run("set-limit"),
        "jimg: missing required parameter: '[NAME] SIZE|none' (see 'jimg set-limit --help')\n");
  }

  @Test
  void extraParametersAreAUsageError() {
    assertUsageError(jimg.run("show", "a", "b", "c"), "jimg: unexpected arguments 'b' 'c' (see 'jimg show --help')\n");
    assertUsageError(jimg.run("set-limit", "a", "1G", "2G"), "jimg: unexpected argument '2G' (see 'jimg set-limit --help')\n");
  }

  @Test
  void badSizeIsAUsageErrorBeforeTheStoreIsTouched() {
    assertUsageError(jimg.run("set-limit", "debian", "10Q"), "jimg: invalid size '10Q': expected bytes or a number "
        + "with K, M, G or T (powers of 1024), or 'none' (see 'jimg set-limit --help')\n");
    assertUsageError(jimg.run("set-limit", "lots"), "jimg: invalid size 'lots': expected bytes or a number "
        + "with K, M, G or T (powers of 1024), or 'none' (see 'jimg set-limit --help')\n");
  }

  @Test
  void badBooleanIsAUsageError() {
    assertUsageError(jimg.run("read-only", "debian", "maybe"),
        "jimg: 'maybe' is not a boolean: use true or false (see 'jimg read-only --help')\n");
  }

  @Test
  void usageErrorsCarryNoStackTraceUnlessDebugging() {
    JimgRunner.Result plain = jimg.run("clone", "x");
    assertEquals(1, plain.err().lines().count(), plain::toString);
    JimgRunner.Result debug = jimg.run("clone", "x", "--debug");
    assertEquals(2, debug.exitCode());
    assertTrue(debug.err().contains("\tat picocli."), debug::toString);
  }

  @Test
  void controlCharactersInArgumentsAreEscapedInErrors() {
    JimgRunner.Result result = jimg.run("lst\u001b[2J\nx");
    assertEquals(2, result.exitCode());
    assertTrue(result.err().startsWith("jimg: unknown verb 'lst\\x1b[2J\\x0ax'"), result::toString);
    assertEquals(1, result.err().lines().count(), result::toString);
  }

  @Test
  void everyVerbIsRegisteredUnderItsOwnName() {
    JimgCommand.VERBS.forEach((name, verb) -> assertEquals(name, Main.newVerb(verb).spec.name(), name));
  }

  @Test
  void theVersionAloneBuildsNoVerb() {
    assertTrue(jimg.commandLine(new StringWriter(), new StringWriter(), "--version").getSubcommands().isEmpty());
  }

  @Test
  void aNamedVerbIsTheOnlyOneBuilt() {
    assertEquals(Set.of("clone"),
        jimg.commandLine(new StringWriter(), new StringWriter(), "--image-root", "run", "-q", "clone", "a", "b")
            .getSubcommands().keySet());
  }

  /** Building only the verb that runs must not change a word of what it prints. */
  @ParameterizedTest
  @MethodSource("argumentsThatPrintWithoutAStore")
  void theCommandSaysTheSameWithOneVerbAsWithEvery(List<String> args) {
    String[] array = args.toArray(String[]::new);
    assertEquals(jimg.runWithEveryVerb(array).toString(), jimg.run(array).toString());
  }

  static Stream<List<String>> argumentsThatPrintWithoutAStore() {
    Stream<List<String>> perVerb = JimgCommand.VERBS.keySet().stream()
        .flatMap(verb -> Stream.of(List.of(verb, "--help"), List.of("--image-root=/nonexistent", verb, "--bogus"),
            List.of("-q", verb, "a", "b", "c", "d", "e", "f", "g")));
    Stream<List<String>> global = Stream.of(List.of(), List.of("--help"), List.of("-h"), List.of("--version"),
        List.of("-V"), List.of("lst"), List.of("--json", "clne"), List.of("--image-root"), List.of("--", "list"),
        List.of("generate-completion"), List.of("--bogus", "list"), List.of("--version", "--help"));
    return Stream.concat(perVerb, global);
  }

  private static void assertUsageError(JimgRunner.Result result, String stderr) {
    assertEquals(2, result.exitCode(), result::toString);
    assertEquals(stderr, result.err());
    assertEquals("", result.out());
  }
}
