package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.ReadableClassPath;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.library.Jimg;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The jimg command as a process with a service the test starts: standard input and output passed to the service for
 * {@code -}, Ctrl-C cancelling the import in the service, and a user other than root, whom the service lets list but
 * not remove.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard
class ThroughServiceTest {
  @RegisterExtension final LoopFilesystem btrfs = LoopFilesystem.btrfs();

  private final TestServices services = new TestServices();
  private Path pool;
  private Path archive;
  private Process jimg;

  @BeforeEach
  void poolAndArchive() throws Exception {
    pool = Files.createDirectory(btrfs.root().resolve("pool"));
    Path tree = Files.createDirectories(btrfs.root().resolve("tree/etc"));
    Files.writeString(tree.resolve("os-release"), "ID=debian\n");
    Files.write(tree.resolve("data"), new byte[1 << 20]);
    archive = btrfs.root().resolve("root.tar");
    Commands.run("tar", "-C", tree.getParent().toString(), "-cf", archive.toString(), ".");
  }

  @AfterEach
  void stop() throws IOException {
    if (jimg != null) {
      jimg.destroyForcibly();
    }
    services.close();
  }

  /** The jimg command as a process on the test's pool, through the test's service unless told otherwise. */
  private ProcessBuilder command(List<String> prefix, String classPath, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djnr.ffi.asm.enabled=false", "-cp", classPath, Main.class.getName(), "--image-root=" + pool));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put(ThroughService.SOCKET_VARIABLE, services.socketFor(pool).toString());
    builder.environment().put(JimgCommand.LOCK_DIRECTORY_VARIABLE, JimgRunner.LOCKS.toString());
    builder.environment().put("TZ", "UTC");
    return builder;
  }

  private ProcessBuilder command(String... args) {
    return command(List.of(), System.getProperty("java.class.path"), args);
  }

  private static JimgRunner.Result finish(Process process) throws Exception {
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new JimgRunner.Result(process.waitFor(), out, err);
  }

  private List<String> entries() throws IOException {
    try (Stream<Path> entries = Files.list(pool)) {
      return entries.map(entry -> entry.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void standardInputAndOutputGoToTheServiceAndTheOutputIsTheSameAsInProcess() throws Exception {
    JimgRunner.Result local = finish(command("--no-service", "import-tar", "-", "local")
        .redirectInput(archive.toFile()).start());
    JimgRunner.Result served = finish(command("import-tar", "-", "served").redirectInput(archive.toFile()).start());
    assertEquals(0, served.exitCode(), served::toString);
    assertEquals(local.err().replace("local", "served"), served.err());
    assertTrue(services.log().contains("served: created"), services::log);
    assertTrue(!services.log().contains("local: created"), services::log);

    Path localTar = btrfs.root().resolve("local.tar");
    Path servedTar = btrfs.root().resolve("served.tar");
    assertEquals(0, finish(command("--no-service", "export-tar", "--format=uncompressed", "local", "-")
        .redirectOutput(localTar.toFile()).start()).exitCode());
    JimgRunner.Result exported = finish(command("export-tar", "--format=uncompressed", "served", "-")
        .redirectOutput(servedTar.toFile()).start());
    assertEquals(0, exported.exitCode(), exported::toString);
    assertEquals(Commands.run("tar", "-tvf", localTar.toString()), Commands.run("tar", "-tvf", servedTar.toString()));
  }

  /**
   * Starts {@code jimg import-tar - NAME} through the service with a header and a little of the archive on its
   * standard input, then nothing until the test ends it; returns the service's root once the import runs there.
   */
  private Jimg importHeldOpen(String name) throws Exception {
    jimg = command("import-tar", "-", name).start();
    OutputStream stdin = jimg.getOutputStream();
    stdin.write(Arrays.copyOf(Files.readAllBytes(archive), 4096));
    stdin.flush();
    Jimg root = services.rootOf(pool);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (root.transfers().list().isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the import never started in the service");
      Thread.onSpinWait();
    }
    return root;
  }

  @Test
  void ctrlCCancelsTheImportInTheServiceWhichLeavesNothing() throws Exception {
    List<String> before = entries();
    Jimg root = importHeldOpen("half");

    Commands.run("kill", "-INT", String.valueOf(jimg.pid()));
    String err = new String(jimg.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(130, jimg.waitFor(), err);
    assertTrue(err.startsWith("jimg: ") && err.endsWith(" was cancelled\n"), err);
    assertEquals(List.of(), root.transfers().list());
    assertEquals(before, entries(), "no image and no temporary is left");
  }

  @Test
  void transfersListsTheImportRunningInTheServiceAndCancelEndsIt() throws Exception {
    List<String> before = entries();
    Jimg root = importHeldOpen("pending");
    long id = root.transfers().list().get(0).id();

    JimgRunner.Result table = finish(command("transfers").start());
    assertEquals(0, table.exitCode(), table::toString);
    List<String> lines = table.out().lines().toList();
    assertEquals(List.of("ID", "TYPE", "LOCAL", "REMOTE", "PROGRESS"), List.of(lines.get(0).split(" +")));
    assertEquals(List.of(String.valueOf(id), "import-tar", "pending"),
        List.of(lines.get(1).split(" +")).subList(0, 3), table.out());
    JimgRunner.Result json = finish(command("--json", "transfers").start());
    Map<String, Object> listed = JsonReader.arrayOfObjects(json.out()).get(0);
    assertEquals(List.of("id", "type", "local", "remote", "bytesDone", "bytesTotal", "phase"),
        List.copyOf(listed.keySet()));
    assertEquals(List.of(id, "import-tar", "pending"), List.of(listed.get("id"), listed.get("type"),
        listed.get("local")));

    JimgRunner.Result cancelled = finish(command("cancel", String.valueOf(id)).start());
    assertEquals(0, cancelled.exitCode(), cancelled::toString);
    String err = new String(jimg.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(7, jimg.waitFor(), err);
    assertTrue(err.startsWith("jimg: ") && err.endsWith(" was cancelled\n"), err);
    assertEquals("No transfers.\n", finish(command("transfers").start()).out());
    assertEquals(before, entries(), "no image and no temporary is left");
  }

  @Test
  void aUserOtherThanRootMayListThroughTheServiceButNotRemove() throws Exception {
    Requirements.requireTool("useradd");
    Requirements.requireTool("setpriv");
    assertEquals(0, finish(command("--no-service", "import-tar", archive.toString(), "debian").start()).exitCode());
    String user = "jimgt" + UUID.randomUUID().toString().substring(0, 8);
    Commands.run("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", user);
    try (ReadableClassPath readable = ReadableClassPath.copy()) {
      String classPath = readable.classPath();
      List<String> asUser = List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--clear-groups");
      JimgRunner.Result asRoot = finish(command("--no-service", "list").start());
      JimgRunner.Result listed = finish(command(asUser, classPath, "list").start());
      assertEquals(0, listed.exitCode(), listed::toString);
      assertEquals(asRoot.out(), listed.out());

      List<String> before = entries();
      JimgRunner.Result removed = finish(command(asUser, classPath, "remove", "debian").start());
      assertEquals(1, removed.exitCode(), removed::toString);
      assertEquals("jimg: remove needs root: the service lets other users only list, show and see transfers\n",
          removed.err());
      assertEquals(before, entries());
    } finally {
      Commands.run("userdel", "-r", user);
    }
  }
}
