package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.runtime.PreparedRoot.Method;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The open ephemeral roots belong to the {@link PreparedRoots} that made them: its shutdown hook closes its own
 * roots and no one else's, and is registered with the JVM only while one of them is open.
 */
class OpenRootsTest {
  @RegisterExtension final LoopFilesystem ext4 = LoopFilesystem.ext4().size(64L << 20);

  private FakePool pool() throws IOException {
    Path tree = Files.createDirectories(ext4.root().resolve("tree/etc"));
    Files.writeString(tree.resolve("hostname"), "tree\n");
    FakePool pool = new FakePool(Files.createDirectories(ext4.root().resolve("pool")));
    pool.add("image", tree.getParent(), false);
    return pool;
  }

  @Test
  void eachOwnerClosesOnlyItsOwnRootsAtShutdown() throws IOException {
    FakePool pool = pool();
    PreparedRoots first = PreparedRoots.builder(pool).ephemeralMethods(Method.COPY).build();
    PreparedRoots second = PreparedRoots.builder(pool).ephemeralMethods(Method.COPY).build();
    try (PreparedRoot mine = first.ephemeral("image"); PreparedRoot theirs = second.ephemeral("image")) {
      first.openRoots().closeAll(); // what the first owner's hook does on SIGTERM
      assertFalse(Files.exists(mine.path()));
      assertTrue(Files.isRegularFile(theirs.path().resolve("etc/hostname")));
      assertNull(first.openRoots().hook(), "the first owner has nothing left to close");
      assertNotNull(second.openRoots().hook());
    }
    assertEquals(List.of(), pool.scratchNames());
  }

  @Test
  void theHookIsRegisteredOnlyWhileARootIsOpen() throws IOException {
    PreparedRoots roots = PreparedRoots.builder(pool()).ephemeralMethods(Method.COPY).build();
    assertNull(roots.openRoots().hook());
    Thread hook;
    try (PreparedRoot one = roots.ephemeral("image")) {
      hook = roots.openRoots().hook();
      try (PreparedRoot two = roots.ephemeral("image")) {
        assertEquals(hook, roots.openRoots().hook(), "one hook per owner, however many roots");
      }
      assertEquals(hook, roots.openRoots().hook(), "a root is still open");
    }
    assertNull(roots.openRoots().hook());
    assertFalse(Runtime.getRuntime().removeShutdownHook(hook), "the JVM no longer holds the hook");
  }
}
