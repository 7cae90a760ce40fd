package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every test here checks the same things whatever ran before it: its roots start from the image and are the only
 * scratch roots in the pool, so a root an earlier test was handed and not removed fails the next test to run.
 */
class EphemeralRootExtensionTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  static PreparedRoots roots;
  static FakePool pool;

  @EphemeralRoot("deb") Path root;

  @BeforeAll
  static void image() {
    pool = new FakePool(BTRFS.root());
    pool.add("deb", DebianRoot.minbase(), true);
    roots = PreparedRoots.builder(pool).build();
  }

  /** The roots are fresh copies of the image and nothing else is in the pool; then marks them, as a test would. */
  private static void freshAndAlone(Path... ours) throws Exception {
    List<String> names = new ArrayList<>();
    for (Path path : ours) {
      assertFalse(Files.exists(path.resolve("etc/written")), "each test starts from the image");
      names.add(path.getFileName().toString());
    }
    assertEquals(names.stream().sorted().toList(), pool.scratchNames().stream().sorted().toList(),
        "the roots of the tests that ran before are removed");
    for (Path path : ours) {
      Files.writeString(path.resolve("etc/written"), "x");
    }
    assertFalse(Files.exists(BTRFS.root().resolve("deb/etc/written")), "the image is never written");
  }

  @Test
  void aFieldGetsAFreshRoot() throws Exception {
    assertTrue(Files.isRegularFile(root.resolve("etc/debian_version")));
    assertTrue(root.getFileName().toString().startsWith(".#jimg-"));
    freshAndAlone(root);
  }

  @Test
  void aParameterGetsAnother(@EphemeralRoot("deb") PreparedRoot other) throws Exception {
    assertTrue(other.isEphemeral());
    assertNotEquals(root, other.path());
    assertEquals("deb", other.image().name());
    freshAndAlone(root, other.path());
  }

  @Test
  void aTestWithOnlyTheFieldHasOnlyItsRoot() throws Exception {
    freshAndAlone(root);
  }
}
