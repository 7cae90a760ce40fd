package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A jimg process (a child JVM running {@link RunMain}) is signalled while its container runs: SIGTERM stops the
 * container and removes the root; SIGKILL of the JVM alone still ends the container, leaving only the root.
 */
class LauncherSignalsTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  static FakePool pool;

  Process jimg;
  /** jimg's standard output, which the command in the root writes to as well. */
  BufferedReader out;

  @BeforeAll
  static void image() {
    Requirements.requireTool("setpriv");
    Requirements.requireTool("unshare");
    Requirements.requireTool("systemd-nspawn");
    pool = new FakePool(BTRFS.root());
    pool.add("deb", DebianRoot.minbase(), true);
    pool.add("bootable", DebianRoot.bootable(), true);
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (jimg != null) {
      jimg.destroyForcibly().waitFor();
    }
    for (String name : pool.scratchNames()) {
      FakePool.removeTree(BTRFS.root().resolve(name));
    }
  }

  @ParameterizedTest
  @CsvSource({"nspawn, TERM", "chroot, TERM", "nspawn, INT", "chroot, INT", "nspawn, HUP", "chroot, HUP"})
  void aSignalStopsTheContainerRemovesTheRootAndExits128PlusTheSignal(String engine, String signal)
      throws Exception {
    Path root = start(engine);
    RootProcesses inRoot = RootProcesses.of(root);
    awaitRunning(inRoot);

    new ProcessBuilder("kill", "-" + signal, Long.toString(jimg.pid())).start().waitFor();

    assertTrue(jimg.waitFor(30, TimeUnit.SECONDS), "jimg ends after the container");
    int number = Map.of("HUP", 1, "INT", 2, "TERM", 15).get(signal);
    assertEquals(128 + number, jimg.exitValue(), "the exit status says the run was stopped by SIG" + signal);
    assertEquals(List.of(), inRoot.find());
    assertFalse(Files.exists(root), "the root is removed");
    assertEquals(List.of(), pool.scratchNames());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nspawn", "chroot"})
  void sigkillOfJimgAloneEndsItsContainer(String engine) throws Exception {
    Path root = start(engine);
    RootProcesses inRoot = RootProcesses.of(root);
    awaitRunning(inRoot);

    jimg.destroyForcibly(); // SIGKILL to the JVM only, not to its process group
    assertTrue(jimg.waitFor(10, TimeUnit.SECONDS));

    assertEquals(List.of(), inRoot.awaitNone(), "no process is left in the root");
    assertTrue(Files.exists(root), "a killed jimg cannot remove its root: the next command sweeps it");
  }

  @ParameterizedTest
  @ValueSource(strings = {"TERM", "KILL"})
  void aBootedContainerEndsWithJimg(String signal) throws Exception {
    Path root = start("nspawn", "bootable");
    RootProcesses inRoot = RootProcesses.of(root);
    // The console says the login prompt's target is reached: systemd and its first services run by then.
    OutputLines.await(out, line -> line.contains("getty.target"), "the boot reaches its login prompt");
    List<Long> booted = inRoot.find();
    assertTrue(booted.size() >= 3, "the container boots: " + booted);

    new ProcessBuilder("kill", "-" + signal, Long.toString(jimg.pid())).start().waitFor();

    assertTrue(jimg.waitFor(60, TimeUnit.SECONDS), "jimg ends");
    assertEquals(List.of(), inRoot.awaitNone(), "no process is left in the root");
    assertEquals(signal.equals("TERM"), !Files.exists(root), "only a SIGKILL leaves the root for the sweeper");
  }

  /** Starts a command that says it runs, then sleeps. */
  private Path start(String engine) throws Exception {
    return start(engine, "deb", "/bin/sh", "-c", "echo RUNNING; exec /bin/sleep 1000");
  }

  /** Waits for the command to say it runs, then finds it in the root. */
  private void awaitRunning(RootProcesses inRoot) throws Exception {
    OutputLines.await(out, line -> line.contains("RUNNING"), "the command runs");
    assertFalse(inRoot.find().isEmpty(), "the container runs in the root");
  }

  private Path start(String engine, String image, String... payload) throws Exception {
    // The JVM leaves a signal alone that it inherits ignored (as under nohup, which ignores SIGHUP): a jimg started
    // that way rightly keeps running on SIGHUP. env (which execs, keeping the pid) gives the child the default
    // handling, so that the test sees what jimg does, not how the suite was started.
    List<String> command = new ArrayList<>(List.of("env", "--default-signal=HUP,INT,TERM",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djnr.ffi.asm.enabled=false", FakePool.lockDirectoryOption(), "-cp", System.getProperty("java.class.path"),
        RunMain.class.getName(),
        BTRFS.root().toString(), image, engine));
    command.addAll(List.of(payload));
    jimg = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    out = new BufferedReader(new InputStreamReader(jimg.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertTrue(line != null && line.startsWith("ROOT "), "jimg prints its root: " + line);
    return Path.of(line.substring(5));
  }
}
