package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real bin/jimg as a process, in a copy of the project's layout whose jar runs this build's classes, and
 * with a stand-in mvn on PATH that records how it was called. (Running it in the checkout itself would start a
 * Maven build inside this one whenever the jar is older than a source.)
 */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("..", "bin", "jimg").toAbsolutePath().normalize();

  @TempDir Path directory;
  private Path project;
  private Path jar;
  private Path builtJar;
  private Path mvnCalls;
  private String searchPath;

  @BeforeEach
  void layOut() throws IOException {
    project = directory.resolve("project");
    Files.createDirectories(project.resolve("bin"));
    Files.copy(LAUNCHER, project.resolve("bin/jimg"), StandardCopyOption.COPY_ATTRIBUTES);
    Path source = project.resolve("cli/src/main/java/io/jimg/cli/Main.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, "class Main {}\n");
    Files.writeString(project.resolve("pom.xml"), "<project/>\n");
    jar = project.resolve("cli/target/jimg.jar");
    Files.createDirectories(jar.getParent());
    builtJar = directory.resolve("built.jar");
    writeJarOfThisBuild(builtJar);
    Files.copy(builtJar, jar);
    Path lib = Files.createDirectories(jar.resolveSibling("lib"));
    Path picocli = classPathEntry("picocli-");
    Files.copy(picocli, lib.resolve(picocli.getFileName()));
    setAllTimes(Instant.now().minusSeconds(120), source, project.resolve("pom.xml"));
    setAllTimes(Instant.now().minusSeconds(60), jar);
    // A placeholder archive, newer than the jar, spares the tests that are not about it a training run; the JVM
    // ignores an archive it cannot use.
    Files.writeString(jar.resolveSibling("jimg.jsa"), "");

    // Stands in for Maven: records its arguments and working directory, then "builds" the jar.
    Path bin = Files.createDirectories(directory.resolve("path"));
    mvnCalls = directory.resolve("mvn-calls");
    Path mvn = bin.resolve("mvn");
    Files.writeString(mvn, "#!/bin/sh\necho \"$PWD $*\" >> " + mvnCalls + "\ncp " + builtJar + " " + jar + "\n");
    assertTrue(mvn.toFile().setExecutable(true));
    searchPath = bin + File.pathSeparator + System.getenv("PATH");
  }

  private static Path classPathEntry(String prefix) {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (path.getFileName().toString().startsWith(prefix)) {
        return path;
      }
    }
    throw new AssertionError("no " + prefix + "* on the class path");
  }

  /** A jar like cli/target/jimg.jar, whose manifest class path names this test run's classes and jars. */
  private static void writeJarOfThisBuild(Path target) throws IOException {
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      classPath.add(Path.of(entry).toAbsolutePath().toUri().toString());
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
    try (OutputStream out = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(out, manifest)) {
      jar.flush();
    }
  }

  private static void setAllTimes(Instant time, Path... files) throws IOException {
    for (Path file : files) {
      Files.setLastModifiedTime(file, FileTime.from(time));
    }
  }

  private record Run(int exitCode, String out, String err) {}

  private Run run(Path command, Path workingDirectory, String... args) throws IOException, InterruptedException {
    return run(Map.of(), command, workingDirectory, args);
  }

  private Run run(Map<String, String> environment, Path command, Path workingDirectory, String... args)
      throws IOException, InterruptedException {
    List<String> commandLine = new ArrayList<>(List.of(command.toString()));
    commandLine.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(commandLine).directory(workingDirectory.toFile());
    builder.environment().put("PATH", searchPath);
    builder.environment().putAll(environment);
    builder.redirectError(directory.resolve("stderr").toFile());
    Process process = builder.start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exitCode = process.waitFor();
    return new Run(exitCode, out, Files.readString(directory.resolve("stderr")));
  }

  private String mvnCalls() throws IOException {
    return Files.exists(mvnCalls) ? Files.readString(mvnCalls) : "";
  }

  @Test
  void versionRunsThroughASymlinkFromAnyDirectoryWithoutBuilding() throws Exception {
    Path link = Files.createSymbolicLink(directory.resolve("jimg"), project.resolve("bin/jimg"));
    Run run = run(link, Path.of("/"), "--version");
    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(run.out().matches(CommandLineTest.VERSION_LINE), run::toString);
    assertEquals("", run.err());
    assertEquals("", mvnCalls(), "a fresh jar is not rebuilt");
  }

  @Test
  void versionAndHelpLoadNeitherTheStoreNorNativeBindings() throws Exception {
    for (String option : List.of("--version", "--help")) {
      Path classes = directory.resolve("classes" + option);
      Run run = run(Map.of("JIMG_JAVA_OPTS", "-Xlog:class+load:file=" + classes), project.resolve("bin/jimg"), directory,
          option);
      assertEquals(0, run.exitCode(), run::toString);
      String loaded = Files.readString(classes);
      assertTrue(loaded.contains(" io.jimg.cli.Main "), loaded);
      for (String forbidden : List.of(" jnr.", " com.kenai.jffi.", " io.jimg.btrfs.Native", " io.jimg.images.ImageStore$")) {
        assertFalse(loaded.contains(forbidden), option + " loaded" + forbidden);
      }
    }
  }

  @Test
  void makesAClassDataArchiveOnceAndMapsItOnLaterRuns() throws Exception {
    Path archive = project.resolve("cli/target/jimg.jsa");
    Files.delete(archive);
    assertEquals(0, run(project.resolve("bin/jimg"), directory, "--version").exitCode());
    assertTrue(Files.size(archive) > 0, "the first run trains the archive");
    FileTime made = Files.getLastModifiedTime(archive);

    Path classes = directory.resolve("classes");
    Run run = run(Map.of("JIMG_JAVA_OPTS", "-Xlog:class+load:file=" + classes), project.resolve("bin/jimg"), directory,
        "--version");
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals("", run.err());
    assertEquals(made, Files.getLastModifiedTime(archive), "a fresh archive is not made again");
    String loaded = Files.readString(classes);
    // (This layout's own classes are directories, which CDS does not archive; the JDK classes it used are.)
    assertTrue(loaded.contains(" source: shared objects file (top)"), "the archive is mapped: " + loaded);
    // The boot class path names its jars as given; the application class loader names URLs.
    assertTrue(loaded.contains(" picocli.CommandLine source: " + project.resolve("cli/target/lib")), loaded);
  }

  @Test
  void aStaleArchiveIsReplacedAfterABuild() throws Exception {
    Path archive = project.resolve("cli/target/jimg.jsa");
    setAllTimes(Instant.now().minusSeconds(30), archive);
    setAllTimes(Instant.now(), project.resolve("pom.xml"));
    Run run = run(project.resolve("bin/jimg"), directory, "--version");
    assertEquals(0, run.exitCode(), run::toString);
    assertTrue(Files.size(archive) > 0, "the placeholder was replaced by a trained archive");
    assertFalse(run.err().contains("warning"), run::toString);
  }

  /** The JVM options bin/jimg chooses for these arguments, seen by a stand-in java that prints its arguments. */
  private List<String> javaOptionsFor(String... args) throws IOException, InterruptedException {
    Path bin = Files.createDirectories(directory.resolve("java-path"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
    assertTrue(java.toFile().setExecutable(true));
    Run run = run(Map.of("PATH", bin + File.pathSeparator + searchPath), project.resolve("bin/jimg"), directory, args);
    assertEquals(0, run.exitCode(), run::toString);
    List<String> words = run.out().lines().toList();
    assertTrue(words.contains("-jar"), run::toString);
    return words.subList(0, words.indexOf("-jar"));
  }

  private void assertShortCommand(String... args) throws Exception {
    List<String> options = javaOptionsFor(args);
    assertTrue(options.contains("-XX:CompileThresholdScaling=20"), String.join(" ", args) + ": " + options);
    assertFalse(options.contains("-Xmn8m"), String.join(" ", args) + ": " + options);
  }

  private void assertLongTransfer(String... args) throws Exception {
    List<String> options = javaOptionsFor(args);
    assertTrue(options.contains("-Xmn8m"), String.join(" ", args) + ": " + options);
    assertFalse(options.contains("-XX:CompileThresholdScaling=20"), String.join(" ", args) + ": " + options);
  }

  @Test
  void anImageNamedLikeATransferVerbDoesNotChooseTheTransferOptions() throws Exception {
    assertShortCommand("clone", "base", "export-x");
    assertShortCommand("show", "pulled");
    assertShortCommand("remove", "import-y");
    assertShortCommand("--image-root", "export-x", "list");
    assertShortCommand("--image-root", "pull", "list");
  }

  @Test
  void theVerbIsFoundAfterTopLevelOptionsAndTheirValues() throws Exception {
    assertLongTransfer("--image-root", "/x", "pull", "https://example.invalid/image.tar.xz", "pulled");
    assertLongTransfer("--image-root=/x", "-q", "--json", "export-tar", "pulled", "out.tar");
    assertLongTransfer("--debug", "import-tar", "in.tar", "clone");
    assertShortCommand("--image-root=/export-x", "list");
  }

  @Test
  void exitCodesAndErrorsPassThrough() throws Exception {
    Run run = run(project.resolve("bin/jimg"), directory, "lst");
    assertEquals(2, run.exitCode(), run::toString);
    assertEquals("jimg: unknown verb 'lst'; did you mean 'list'? (see 'jimg --help')\n", run.err());
  }

  @Test
  void buildsWithMavenPackageWhenASourceIsNewerThanTheJar() throws Exception {
    setAllTimes(Instant.now(), project.resolve("cli/src/main/java/io/jimg/cli/Main.java"));
    Run first = run(project.resolve("bin/jimg"), directory, "--version");
    assertEquals(0, first.exitCode(), first::toString);
    assertTrue(first.err().startsWith("jimg: building"), first::toString);
    String calls = mvnCalls();
    assertTrue(calls.startsWith(project + " "), calls);
    assertTrue(calls.contains(" package"), calls);
    assertTrue(calls.contains("-DskipTests"), calls);
    assertFalse(calls.contains("install"), calls);

    Run second = run(project.resolve("bin/jimg"), directory, "--version");
    assertEquals(0, second.exitCode(), second::toString);
    assertEquals("", second.err());
    assertEquals(calls, mvnCalls(), "the second call does not build again");
  }

  @Test
  void buildsWhenAPomIsNewerThanTheJar() throws Exception {
    setAllTimes(Instant.now(), project.resolve("pom.xml"));
    assertEquals(0, run(project.resolve("bin/jimg"), directory, "--version").exitCode());
    assertEquals(1, mvnCalls().lines().count());
  }

  @Test
  void buildsWhenTheJarIsMissing() throws Exception {
    Files.delete(jar);
    Run run = run(project.resolve("bin/jimg"), directory, "--version");
    assertEquals(0, run.exitCode(), run::toString);
    assertEquals(1, mvnCalls().lines().count());
  }

  @Test
  void testSourcesAndBuildOutputDoNotCauseABuild() throws Exception {
    Path test = project.resolve("cli/src/test/java/io/jimg/cli/SomeTest.java");
    Files.createDirectories(test.getParent());
    Files.writeString(test, "class SomeTest {}\n");
    Files.writeString(project.resolve("cli/target/other.class"), "");
    assertEquals(0, run(project.resolve("bin/jimg"), directory, "--version").exitCode());
    assertEquals("", mvnCalls());
  }

  @Test
  void aFailedBuildSaysSoAndRunsNothing() throws Exception {
    Files.writeString(directory.resolve("path/mvn"), "#!/bin/sh\necho broken >&2\nexit 1\n");
    setAllTimes(Instant.now(), project.resolve("pom.xml"));
    Run run = run(project.resolve("bin/jimg"), directory, "--version");
    assertEquals(1, run.exitCode(), run::toString);
    assertEquals("", run.out());
    assertTrue(run.err().contains("broken\njimg: the build failed"), run::toString);
  }
}
