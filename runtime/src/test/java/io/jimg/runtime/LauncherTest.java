package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.Access;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both engines run a real Debian root: status, isolation of the image, binds, environment, read-only. */
class LauncherTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  static FakePool pool;
  static PreparedRoots roots;

  @TempDir Path host;

  @BeforeAll
  static void image() {
    Requirements.requireTool("setpriv");
    Requirements.requireTool("unshare");
    Requirements.requireTool("systemd-nspawn");
    pool = new FakePool(BTRFS.root());
    pool.add("deb", DebianRoot.minbase(), true);
    roots = PreparedRoots.builder(pool).build();
  }

  static LaunchEngine engine(String name) {
    return name.equals("nspawn") ? LaunchEngine.nspawn() : new ChrootEngine(pool);
  }

  @ParameterizedTest
  @ValueSource(strings = {"nspawn", "chroot"})
  void theExitStatusPassesThrough(String engine) throws Exception {
    try (PreparedRoot root = roots.ephemeral("deb")) {
      assertEquals(7, new Launcher(engine(engine)).run(root, LaunchSpec.command("/bin/sh", "-c", "exit 7")));
      assertEquals(0, new Launcher(engine(engine)).run(root, LaunchSpec.command("/bin/true")));
    }
  }

  /** The chroot engine only: systemd-nspawn 252's --as-pid2 stub exits 255 for a payload killed by a signal. */
  @Test
  void aCommandKilledBySignalReportsAsAShellDoes() throws Exception {
    try (PreparedRoot root = roots.ephemeral("deb")) {
      Launcher launcher = new Launcher(engine("chroot"));
      assertEquals(128 + 15, launcher.run(root, LaunchSpec.command("/bin/sh", "-c", "kill -TERM $$")));
      assertEquals(128 + 9, launcher.run(root, LaunchSpec.command("/bin/sh", "-c", "kill -KILL $$")));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"nspawn", "chroot"})
  void anEphemeralRunWritesNothingIntoTheImage(String engine) throws Exception {
    Path image = BTRFS.root().resolve("deb");
    Path root;
    try (PreparedRoot prepared = roots.ephemeral("deb")) {
      root = prepared.path();
      int status = new Launcher(engine(engine)).run(prepared, LaunchSpec.command("/bin/sh", "-c",
          "echo x > /etc/from-container && rm /etc/os-release && test -f /etc/from-container"));
      assertEquals(0, status);
      assertTrue(Files.exists(root.resolve("etc/from-container")), "the run wrote into its root");
    }
    assertFalse(Files.exists(root));
    assertFalse(Files.exists(image.resolve("etc/from-container")));
    assertTrue(Files.exists(image.resolve("usr/lib/os-release")));
    assertTrue(Files.exists(image.resolve("etc/os-release"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertEquals(List.of(), pool.scratchNames());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nspawn", "chroot"})
  void bindsAndEnvironmentReachTheCommand(String engine) throws Exception {
    try (PreparedRoot root = roots.ephemeral("deb")) {
      LaunchSpec spec = LaunchSpec.command("/bin/sh", "-c", "echo \"$GREETING\" > /mnt/host/out")
          .withBind(new LaunchSpec.Bind(host, "/mnt/host"))
          .withEnvironment("GREETING", "hello from " + engine);
      assertEquals(0, new Launcher(engine(engine)).run(root, spec));
    }
    assertEquals("hello from " + engine + "\n", Files.readString(host.resolve("out")));
    assertEquals(List.of(), pool.scratchNames(), "staging is gone");
  }

  @ParameterizedTest
  @ValueSource(strings = {"nspawn", "chroot"})
  void aReadOnlyRunCannotWrite(String engine) throws Exception {
    try (PreparedRoot root = roots.image("deb", Access.READ)) {
      int status = new Launcher(engine(engine)).run(root, LaunchSpec.command("/bin/sh", "-c",
          "test -f /etc/debian_version && ! touch /written 2>/dev/null").withReadOnly(true));
      assertEquals(0, status, "reads work, the write fails");
    }
    assertFalse(Files.exists(BTRFS.root().resolve("deb/written")));
    assertEquals(List.of(), pool.scratchNames());
  }

  /**
   * An ephemeral root of an image whose settings say Boot=no (an OCI image's) runs their Parameters= under any
   * machine name: with machined, nspawn registers it as deb-<random> and looks for that name's file, which it found
   * nowhere, so it booted the image instead.
   */
  @Test
  void anEphemeralRootRunsTheParametersOfItsImagesSettingsUnderAnyMachineName() throws Exception {
    Path settings = BTRFS.root().resolve("deb.nspawn");
    String content = "[Exec]\nBoot=no\nParameters=/bin/sh -c \"exit 42\"\n";
    Files.writeString(settings, content);
    try (PreparedRoot root = roots.ephemeral("deb")) {
      // nspawn is given a link beside a copy of the settings: 42 says it read them there.
      assertEquals(42, new Launcher(new NspawnEngine(new MachineRegistry(false))).run(root, LaunchSpec.boot()));
      Path link;
      try (Launch renamed = new NspawnEngine(new MachineRegistry(true)).launch(root, LaunchSpec.boot())) {
        List<String> command = renamed.command();
        String machine = option(command, "--machine=");
        assertTrue(machine.matches("deb-[0-9a-f]{16}"), machine);
        link = Path.of(option(command, "--directory="));
        assertEquals(root.path(), Files.readSymbolicLink(link));
        assertEquals(content, Files.readString(link.resolveSibling(machine + ".nspawn")));
        assertFalse(command.contains("--boot"), "the settings say Boot=no: " + command);
      }
      assertFalse(Files.exists(link.getParent()), "the settings' directory goes with the run");
    } finally {
      Files.delete(settings);
    }
    assertEquals(List.of(), pool.scratchNames());
  }

  /**
   * The chroot engine runs what an image's settings say where they say Boot=no, as nspawn would: Parameters= with
   * Environment=, in WorkingDirectory= as User=, the spec's variables over the file's; an image whose settings
   * say nothing of booting still gets a shell.
   */
  @Test
  void theChrootEngineRunsTheParametersOfSettingsThatSayBootNo() throws Exception {
    Path settings = BTRFS.root().resolve("deb.nspawn");
    Files.writeString(settings, "[Exec]\nBoot=no\nUser=nobody\nWorkingDirectory=/etc\nEnvironment=A=file B=file\n"
        + "Parameters=/bin/sh -c 'test \"$(id -u) $PWD $A $B\" = \"65534 /etc file spec\" || exit 9; exit 42'\n");
    try (PreparedRoot root = roots.ephemeral("deb")) {
      // The shared test root's / is root's alone (debootstrap's target directory); nobody must get past it.
      Files.setPosixFilePermissions(root.path(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      Launcher chroot = new Launcher(engine("chroot"));
      assertEquals(42, chroot.run(root, LaunchSpec.boot().withEnvironment("B", "spec")));
      assertEquals(0, chroot.run(root, LaunchSpec.command("/bin/sh", "-c", "test $(id -u) = 0 && test $PWD = /")),
          "a command of the caller's runs as the caller asked, not as the settings say");
      Files.writeString(settings, "[Exec]\nParameters=/bin/false\n");
      try (Launch shell = new ChrootEngine(pool).launch(root, LaunchSpec.boot())) {
        List<String> command = shell.command();
        assertEquals("/bin/sh", command.get(command.size() - 1), "no Boot=no: a shell, " + command);
      }
    } finally {
      Files.delete(settings);
    }
  }

  private static String option(List<String> command, String prefix) {
    return command.stream().filter(argument -> argument.startsWith(prefix)).findFirst()
        .map(argument -> argument.substring(prefix.length())).orElseThrow(() -> new AssertionError(command));
  }
}
