package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.FakeClock;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProvisionerTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4();

  static FakePool pool;
  static String templateMachineId;

  @BeforeAll
  static void template() throws IOException {
    pool = new FakePool(BTRFS.root());
    Path template = pool.add("tpl", DebianRoot.minbase(), true);
    Files.writeString(template.resolve("etc/machine-id"), "0123456789abcdef0123456789abcdef\n");
    templateMachineId = "0123456789abcdef0123456789abcdef";
    Files.writeString(BTRFS.root().resolve("tpl.nspawn"), "[Exec]\nBoot=yes\n");
  }

  @AfterEach
  void removeFleet() throws IOException {
    try (Stream<Path> entries = Files.list(BTRFS.root())) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (name.startsWith("node") || name.startsWith(".#jimg-")) {
          FakePool.removeTree(entry);
        }
      }
    }
  }

  static Provisioner provisioner(Provisioner.Steps steps) {
    return new Provisioner(pool, Clock.systemUTC(), steps);
  }

  @Test
  void eachImageGetsItsOwnIdentityTheTemplatesSettingsAndARecordOfIt() throws Exception {
    ProvisionResult result = provisioner(Provisioner.Steps.NONE).provision("tpl", 5, "node", 1);

    assertEquals(List.of("node1", "node2", "node3", "node4", "node5"), result.names());
    Set<String> ids = new HashSet<>();
    for (String name : result.names()) {
      Path image = BTRFS.root().resolve(name);
      String id = Files.readString(image.resolve("etc/machine-id")).trim();
      assertTrue(id.matches("[0-9a-f]{32}"), id);
      assertNotEquals(templateMachineId, id);
      ids.add(id);
      assertEquals(name + "\n", Files.readString(image.resolve("etc/hostname")));
      assertEquals("[Exec]\nBoot=yes\n", Files.readString(BTRFS.root().resolve(name + ".nspawn")));
      String origin = Files.readString(BTRFS.root().resolve(name + ".origin"));
      assertTrue(origin.contains("PROVISIONED_FROM=\"tpl\"\n") && origin.contains("TIME="), origin);
      assertTrue(Files.isRegularFile(image.resolve("usr/bin/dpkg")));
    }
    assertEquals(5, ids.size(), "machine IDs are unique");
    assertEquals(templateMachineId, Files.readString(BTRFS.root().resolve("tpl/etc/machine-id")).trim());
    assertEquals(List.of(), leftovers());
  }

  /** The clock moves only inside the run, a minute a clone: the result reports exactly what it saw pass. */
  @Test
  void theElapsedTimeIsWhatTheClockSawPassDuringTheRun() throws Exception {
    FakeClock clock = new FakeClock();
    Provisioner.Steps aMinuteAClone = new Provisioner.Steps() {
      @Override
      public void beforeClone(int index) {
        clock.advance(Duration.ofMinutes(1));
      }
    };
    ProvisionResult result = new Provisioner(pool, clock, aMinuteAClone).provision("tpl", 3, "node", 1);
    assertEquals(Duration.ofMinutes(3), result.elapsed());
  }

  @Test
  void offBtrfsTheClonesAreCopies() throws Exception {
    FakePool ext4Pool = new FakePool(EXT4.root());
    ext4Pool.add("tpl", DebianRoot.minbase(), false);
    ProvisionResult result = new Provisioner(ext4Pool, Clock.systemUTC(), Provisioner.Steps.NONE)
        .provision("tpl", 2, "node", 1);
    for (String name : result.names()) {
      assertEquals(name + "\n", Files.readString(EXT4.root().resolve(name + "/etc/hostname")));
      assertTrue(Files.isRegularFile(EXT4.root().resolve(name + "/usr/bin/dpkg")));
    }
    assertFalse(Files.readString(EXT4.root().resolve("node1/etc/machine-id"))
        .equals(Files.readString(EXT4.root().resolve("node2/etc/machine-id"))));
  }

  @Test
  void startAndPrefixNameTheImages() throws Exception {
    ProvisionResult result = provisioner(Provisioner.Steps.NONE).provision("tpl", 2, "node-b", 7);
    assertEquals(List.of("node-b7", "node-b8"), result.names());
    assertTrue(Files.isDirectory(BTRFS.root().resolve("node-b8/etc")));
  }

  @Test
  void aCloneFailingMidwayLeavesNothing() {
    IOException failure = new IOException("injected clone failure");
    Provisioner provisioner = provisioner(new Provisioner.Steps() {
      @Override
      public void beforeClone(int index) throws IOException {
        if (index == 3) {
          throw failure;
        }
      }
    });
    IOException thrown = assertThrows(IOException.class, () -> provisioner.provision("tpl", 5, "node", 1));
    assertEquals(failure, thrown);
    assertNoFleet();
  }

  @Test
  void aFailureWhilePublishingRollsBackWhatWasPublished() {
    Provisioner provisioner = provisioner(new Provisioner.Steps() {
      @Override
      public void beforePublish(int index) throws IOException {
        if (index == 3) {
          assertTrue(Files.isDirectory(BTRFS.root().resolve("node3")), "three are published");
          throw new IOException("injected publish failure");
        }
      }
    });
    assertThrows(IOException.class, () -> provisioner.provision("tpl", 5, "node", 1));
    assertNoFleet();
  }

  /** A SIGKILL at any point of a run: the next command that touches the pool, any command, rolls it back. */
  @ParameterizedTest
  @ValueSource(strings = {"clone", "publish"})
  void aRunKilledMidwayIsRolledBackByTheNextCommand(String phase) throws Exception {
    Process killed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djnr.ffi.asm.enabled=false", "-cp", System.getProperty("java.class.path"), ProvisionMain.class.getName(),
        BTRFS.root().toString(), "tpl", "5", "node", phase, "2").inheritIO().start();
    assertEquals(137, killed.waitFor());
    if (phase.equals("publish")) {
      assertTrue(Files.isDirectory(BTRFS.root().resolve("node2")), "two were published before the kill");
      assertTrue(Files.isRegularFile(BTRFS.root().resolve("node2.nspawn")));
    }
    assertFalse(leftovers().isEmpty(), "the killed run left its temporaries");
    Files.createDirectory(BTRFS.root().resolve("node9")); // made by someone else since: not the run's

    List<String> listed = FakePool.store(BTRFS.root()).list(true).stream().map(image -> image.name()).toList();

    assertNoFleet();
    assertFalse(listed.contains("node1"), "the listing already shows the rolled-back state: " + listed);
    assertTrue(Files.exists(BTRFS.root().resolve("node9")));
    assertTrue(Files.isDirectory(BTRFS.root().resolve("tpl/etc")));
  }

  @Test
  void anExistingNameFailsBeforeAnythingIsMade() throws Exception {
    Files.createDirectory(BTRFS.root().resolve("node2"));
    JimgException thrown = assertThrows(JimgException.class,
        () -> provisioner(Provisioner.Steps.NONE).provision("tpl", 3, "node", 1));
    assertEquals(JimgException.Reason.EXISTS, thrown.reason());
    assertFalse(Files.exists(BTRFS.root().resolve("node1")));
    assertEquals(List.of(), leftovers());
  }

  @Test
  void namesMustBeHostNames() {
    for (String prefix : List.of("no_underscore", "x".repeat(64), "-lead", "a..b")) {
      JimgException thrown = assertThrows(JimgException.class,
          () -> provisioner(Provisioner.Steps.NONE).provision("tpl", 1, prefix, 1), prefix);
      assertEquals(JimgException.Reason.USAGE, thrown.reason());
    }
  }

  private static void assertNoFleet() {
    for (int i = 1; i <= 5; i++) {
      assertFalse(Files.exists(BTRFS.root().resolve("node" + i)), "node" + i);
      assertFalse(Files.exists(BTRFS.root().resolve("node" + i + ".nspawn")), "node" + i + ".nspawn");
    }
    try {
      assertEquals(List.of(), leftovers());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** jimg's temporaries, locks and intent records left in the pool. */
  private static List<String> leftovers() throws IOException {
    try (Stream<Path> entries = Files.list(BTRFS.root())) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".#jimg-")).toList();
    }
  }
}
