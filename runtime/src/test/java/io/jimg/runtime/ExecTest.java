package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code root.exec(…)} on a real Debian root, as a test of a user's would call it, with both engines. */
class ExecTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  static FakePool pool;
  static PreparedRoots roots;

  @EphemeralRoot("deb") PreparedRoot root;

  @BeforeAll
  static void image() {
    Requirements.requireTool("setpriv");
    Requirements.requireTool("unshare");
    Requirements.requireTool("systemd-nspawn");
    pool = new FakePool(BTRFS.root());
    pool.add("deb", DebianRoot.minbase(), true);
    roots = PreparedRoots.builder(pool).build();
  }

  static Exec on(String engine, String... command) {
    Exec exec = Exec.of(command);
    return switch (engine) {
      case "nspawn" -> exec.withEngine(LaunchEngine.nspawn());
      case "chroot" -> exec.withEngine(new ChrootEngine(pool));
      default -> exec;
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "nspawn", "chroot"})
  void theStatusAndBothStreamsComeBackApart(String engine) throws Exception {
    ExecResult result = root.exec(on(engine, "/bin/sh", "-c", "echo out; echo err >&2; exit 3"));

    assertEquals(3, result.exitStatus());
    assertEquals("out\n", result.stdout());
    // systemd-nspawn writes its own diagnostics there too (another nspawn of the same machine name, say)
    assertTrue(result.stderr().lines().toList().contains("err"), result.stderr());
    assertFalse(result.stderr().contains("out"), result.stderr());
    assertFalse(result.timedOut());
    assertFalse(result.succeeded());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nspawn", "chroot"})
  void theEnvironmentIsSetInsideTheRoot(String engine) throws Exception {
    ExecResult result = root.exec(on(engine, "/bin/sh", "-c", "printf '%s' \"$GREETING\"")
        .withEnvironment("GREETING", "hello from the root"));

    assertEquals("hello from the root", result.stdout());
    assertTrue(result.succeeded());
  }

  @Test
  void theDistributionsOwnToolsRun() throws Exception {
    ExecResult check = root.exec("apt-get", "-q", "check");
    ExecResult version = root.exec("dpkg-query", "-W", "-f=${Version}", "dpkg");

    assertEquals(0, check.exitStatus(), check.stderr());
    assertTrue(check.stdout().contains("Reading package lists"), check.stdout());
    assertTrue(version.stdout().matches("1\\.21\\.[0-9.]+"), version.stdout());
  }

  /** In a container without systemd as init (CI), the chroot engine; where systemd and machined run, nspawn. */
  @Test
  void theDefaultEngineIsTheOneTheHostCheckPicks() throws Exception {
    boolean systemdHost = Files.isDirectory(java.nio.file.Path.of("/run/systemd/system"))
        && MachineRegistry.probe().reachable();

    assertEquals(systemdHost ? "systemd-nspawn" : "jimg-chroot", root.exec("/bin/sh", "-c", "printf %s \"$container\"")
        .stdout());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nspawn", "chroot"})
  void aCommandPastItsTimeoutIsKilledWithWhatItStarted(String engine) throws Exception {
    ExecResult result = root.exec(on(engine, "/bin/sh", "-c", "echo started; sleep 600 & sleep 600")
        .withTimeout(Duration.ofMillis(300)));

    assertTrue(result.timedOut());
    assertFalse(result.succeeded());
    assertEquals(List.of(), RootProcesses.of(root.path()).awaitNone(), "nothing the command started outlives it");
  }

  @Test
  void aClosedRootRunsNothing() {
    root.close();

    assertThrows(IllegalStateException.class, () -> root.exec("/bin/true"));
  }
}
