package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension as a user's build runs it: under a JUnit launcher, whose log must stay quiet. */
class EphemeralRootUnderJupiterTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  static FakePool pool;

  @BeforeAll
  static void image() {
    pool = new FakePool(BTRFS.root());
    pool.add("deb", DebianRoot.minbase(), true);
  }

  /** A user's test class, run by the tests above rather than by the build (the build skips nested classes). */
  static class TwoRoots {
    static PreparedRoots roots;

    @EphemeralRoot("deb") Path root;

    @Test
    void fieldAndParameter(@EphemeralRoot("deb") PreparedRoot other) {
      assertTrue(Files.isRegularFile(root.resolve("etc/debian_version")));
      assertTrue(Files.isRegularFile(other.path().resolve("etc/debian_version")));
    }
  }

  @Test
  void closesTheRootsWithoutAWarning() throws Exception {
    TwoRoots.roots = PreparedRoots.builder(pool).build();

    JupiterRun run = JupiterRun.of(TwoRoots.class, Map.of());

    assertEquals(1, run.summary().getTestsSucceededCount(), run.failures());
    assertEquals(List.of(), run.warnings().stream().map(LogRecord::getMessage).toList(),
        "JUnit warns about nothing, such as a CloseableResource that is not AutoCloseable");
    assertEquals(List.of(), pool.scratchNames(), "both roots are removed");
  }
}
