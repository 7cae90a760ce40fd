package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EphemeralRootExtensionTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  static PreparedRoots roots;
  static FakePool pool;
  static Path firstRoot;

  @EphemeralRoot("deb") Path root;

  @BeforeAll
  static void image() {
    pool = new FakePool(BTRFS.root());
    pool.add("deb", DebianRoot.minbase(), true);
    roots = PreparedRoots.builder(pool).build();
  }

  @Test
  @Order(1)
  void aFieldGetsAFreshRoot() throws Exception {
    assertTrue(Files.isRegularFile(root.resolve("etc/debian_version")));
    assertTrue(root.getFileName().toString().startsWith(".#jimg-"));
    Files.writeString(root.resolve("etc/written"), "x");
    firstRoot = root;
  }

  @Test
  @Order(2)
  void aParameterGetsAnotherAndTheLastIsGone(@EphemeralRoot("deb") PreparedRoot other) throws Exception {
    assertFalse(Files.exists(firstRoot), "the last test's root is removed");
    assertFalse(Files.exists(root.resolve("etc/written")), "each test starts from the image");
    assertTrue(other.isEphemeral());
    assertNotEquals(root, other.path());
    assertEquals("deb", other.image().name());
    assertFalse(Files.exists(BTRFS.root().resolve("deb/etc/written")));
    assertEquals(2, pool.scratchNames().size());
  }

  @Test
  @Order(3)
  void nothingIsLeftOver() throws Exception {
    assertEquals(List.of(root.getFileName().toString()), pool.scratchNames());
  }
}
