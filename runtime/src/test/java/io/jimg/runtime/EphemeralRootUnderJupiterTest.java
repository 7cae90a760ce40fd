package io.jimg.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.DebianRoot;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.runtime.testing.JupiterRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension as a user's build runs it: under a JUnit launcher, whose log must stay quiet, and in parallel. */
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

  /**
   * A user's test class run with JUnit's parallel execution: each test meets seven others at a barrier while it
   * holds its root, so eight roots of one image are open at once, from eight threads of one store.
   */
  static class ManyAtOnce {
    static final int THREADS = 8;
    static final int TESTS = 32;
    static PreparedRoots roots;
    static final Set<Path> seen = ConcurrentHashMap.newKeySet();
    static final CyclicBarrier together = new CyclicBarrier(THREADS);

    @RepeatedTest(TESTS)
    void takesARootOfItsOwn(@EphemeralRoot("deb") PreparedRoot root) throws Exception {
      assertTrue(seen.add(root.path()), "a root is never handed out twice: " + root.path());
      assertFalse(Files.exists(root.path().resolve("etc/written")), "each root starts from the image");
      Files.writeString(root.path().resolve("etc/written"), "x");
      together.await(RootProcesses.HANG_GUARD_MINUTES, TimeUnit.MINUTES);
      assertEquals(0, root.exec("/bin/true").exitStatus());
    }
  }

  @Test
  void eightThreadsTakeDistinctRootsAndLeaveNone() throws Exception {
    ManyAtOnce.roots = PreparedRoots.builder(FakePool.store(BTRFS.root())).build();

    JupiterRun run = JupiterRun.of(ManyAtOnce.class, Map.of(
        "junit.jupiter.execution.parallel.enabled", "true",
        "junit.jupiter.execution.parallel.mode.default", "concurrent",
        "junit.jupiter.execution.parallel.config.strategy", "fixed",
        "junit.jupiter.execution.parallel.config.fixed.parallelism", String.valueOf(ManyAtOnce.THREADS)));

    assertEquals(ManyAtOnce.TESTS, run.summary().getTestsSucceededCount(), run.failures());
    assertEquals(ManyAtOnce.TESTS, ManyAtOnce.seen.size());
    assertEquals(List.of(), run.warnings().stream().map(LogRecord::getMessage).toList());
    assertEquals(List.of(), pool.scratchNames(), "every root is removed");
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
