package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.Image;
import io.jimg.images.ImageLease;
import io.jimg.images.ImageType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command lines the nspawn engine builds, with and without systemd-machined to register with. */
class NspawnEngineTest {
  @BeforeEach
  void tools() {
    Requirements.requireRoot(); // the engine makes /run/systemd/nspawn
    Requirements.requireTool("systemd-nspawn");
    Requirements.requireTool("unshare");
  }

  static PreparedRoot root(PreparedRoot.Method method) {
    return root(method, Path.of("/var/lib/machines"));
  }

  static PreparedRoot root(PreparedRoot.Method method, Path pool) {
    Image image = new Image("deb", ImageType.SUBVOLUME, pool.resolve("deb"), false, false, false,
        Instant.EPOCH, Instant.EPOCH, null, Map.of());
    ImageLease lease = new ImageLease() {
      @Override
      public Image image() {
        return image;
      }

      @Override
      public Path path() {
        return image.path();
      }

      @Override
      public void close() {}
    };
    return new PreparedRoot(pool.resolve(".#jimg-0123"), lease, method, null);
  }

  @Test
  void withoutMachinedItNeitherRegistersNorKeepsAUnitAndRunsInAPidNamespace() throws Exception {
    Launch launch = new NspawnEngine(new MachineRegistry(false)).launch(root(PreparedRoot.Method.SNAPSHOT),
        LaunchSpec.command("/bin/echo", "--not-an-option").withEnvironment("A", "b")
            .withBind(LaunchSpec.Bind.parse("/srv:/data")).withReadOnly(true));
    List<String> command = launch.command();
    assertTrue(command.get(0).endsWith("/unshare"), command.toString());
    assertEquals(List.of("--fork", "--pid", "--kill-child=KILL", "--"), command.subList(1, 5));
    assertTrue(command.get(5).endsWith("/systemd-nspawn"));
    List<String> nspawn = command.subList(6, command.size());
    assertEquals(List.of("--quiet", "--directory=/var/lib/machines/.#jimg-0123", "--machine=deb", "--register=no",
        "--keep-unit", "--read-only", "--bind=/srv:/data", "--setenv=A=b", "--as-pid2", "--", "/bin/echo",
        "--not-an-option"), nspawn);
    assertEquals(Map.of("SYSTEMD_NSPAWN_LOCK", "0"), launch.environment());
    assertEquals(1, launch.signalDepth());
  }

  @Test
  void withMachinedAnEphemeralRootRegistersUnderAName() throws Exception {
    Launch launch = new NspawnEngine(new MachineRegistry(true)).launch(root(PreparedRoot.Method.SNAPSHOT),
        LaunchSpec.boot());
    List<String> command = launch.command();
    assertTrue(command.get(0).endsWith("/systemd-nspawn"), command.toString());
    assertFalse(command.contains("--register=no"));
    assertTrue(command.get(3).matches("--machine=deb-[0-9a-f]{16}"), command.get(3));
    assertEquals("--boot", command.get(command.size() - 1));
    assertEquals(0, launch.signalDepth());
  }

  @Test
  void theImageItselfRunsUnderItsOwnNameSoItsSettingsFileApplies() throws Exception {
    Launch launch = new NspawnEngine(new MachineRegistry(true)).launch(root(PreparedRoot.Method.IMAGE),
        LaunchSpec.boot());
    assertTrue(launch.command().contains("--machine=deb"), launch.command().toString());
  }

  @Test
  void withoutACommandAnImageWhoseSettingsSayBootNoRunsTheirParametersWhereNspawnFindsThem(@TempDir Path pool)
      throws Exception {
    Files.writeString(pool.resolve("deb.nspawn"), "[Exec]\nBoot=yes\nBoot=no\nParameters=/bin/cat /etc/x\n");

    List<String> image = new NspawnEngine(new MachineRegistry(false)).launch(root(PreparedRoot.Method.IMAGE, pool),
        LaunchSpec.boot()).command();
    List<String> ephemeral = new NspawnEngine(new MachineRegistry(false))
        .launch(root(PreparedRoot.Method.SNAPSHOT, pool), LaunchSpec.boot()).command();
    List<String> renamed = new NspawnEngine(new MachineRegistry(true))
        .launch(root(PreparedRoot.Method.SNAPSHOT, pool), LaunchSpec.boot()).command();

    assertEquals("--keep-unit", image.get(image.size() - 1), "no start mode: nspawn takes the file's");
    assertEquals("--keep-unit", ephemeral.get(ephemeral.size() - 1), "the file beside the root, by its name");
    assertEquals("--boot", renamed.get(renamed.size() - 1),
        "a root made by hand has no pool to place the settings in: nspawn finds none for deb-<random>");
    Files.writeString(pool.resolve("deb.nspawn"), "[Network]\nBoot=no\n[Exec]\nPrivateUsers=no\n");
    List<String> elsewhere = new NspawnEngine(new MachineRegistry(false))
        .launch(root(PreparedRoot.Method.IMAGE, pool), LaunchSpec.boot()).command();
    assertEquals("--boot", elsewhere.get(elsewhere.size() - 1), "Boot= counts in [Exec] only");
  }
}
