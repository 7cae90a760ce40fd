package io.jimg.btrfs;

import static io.jimg.btrfs.NativeTesting.assertErrno;
import static io.jimg.btrfs.NativeTesting.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.LoopFilesystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A file put in place whole, unnamed (O_TMPFILE) or under a random name, never through a planted symlink. */
class ReplacementFileTest {
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();
  private static final byte[] PREFIX = bytes(".#test-");

  private Fd dir;
  private Path path;

  @BeforeEach
  void freshDirectory(TestInfo test) throws NativeException {
    String name = test.getTestMethod().orElseThrow().getName() + "-" + test.getDisplayName().replaceAll("[^a-z]", "");
    dir = NativeTesting.freshDirectory(BTRFS.root(), name);
    path = BTRFS.root().resolve(name);
  }

  @AfterEach
  void closeDirectory() {
    dir.close();
  }

  private ReplacementFile create(boolean unnamed, String name) throws NativeException {
    return unnamed ? ReplacementFile.create(dir, bytes(name), PREFIX, 0600)
        : ReplacementFile.named(dir, bytes(name), PREFIX, 0600);
  }

  private static void write(ReplacementFile file, String content) throws NativeException {
    file.fd().pwriteFully(bytes(content), bytes(content).length, 0);
  }

  private List<String> names() throws Exception {
    try (Stream<Path> entries = Files.list(path)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @ParameterizedTest(name = "unnamed={0}")
  @ValueSource(booleans = {true, false})
  void replacesAPlantedSymlinkItselfAndNotTheFileItPointsTo(boolean unnamed) throws Exception {
    Path sentinel = Files.writeString(BTRFS.root().resolve("sentinel-" + unnamed), "untouched");
    Files.createSymbolicLink(path.resolve("record"), sentinel);
    try (ReplacementFile file = create(unnamed, "record")) {
      write(file, "new");
      file.replace();
    }
    assertEquals("untouched", Files.readString(sentinel));
    assertTrue(Files.isRegularFile(path.resolve("record"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    assertEquals("new", Files.readString(path.resolve("record")));
    assertEquals(List.of("record"), names());
  }

  @ParameterizedTest(name = "unnamed={0}")
  @ValueSource(booleans = {true, false})
  void publishesOnlyUnderAFreeNameAndLeavesNothingBehindOtherwise(boolean unnamed) throws Exception {
    Files.writeString(path.resolve("taken"), "someone else's");
    try (ReplacementFile file = create(unnamed, "taken")) {
      write(file, "mine");
      assertErrno(Linux.EEXIST, file::publish);
    }
    assertEquals("someone else's", Files.readString(path.resolve("taken")));
    assertEquals(List.of("taken"), names());
    try (ReplacementFile file = create(unnamed, "free")) {
      write(file, "mine");
      file.publish();
    }
    assertArrayEquals(bytes("mine"), Files.readAllBytes(path.resolve("free")));
    assertEquals(List.of("free", "taken"), names());
  }

  @ParameterizedTest(name = "unnamed={0}")
  @ValueSource(booleans = {true, false})
  void aDirectoryInTheWayFailsAndTheTemporaryGoes(boolean unnamed) throws Exception {
    Files.createDirectory(path.resolve("busy"));
    try (ReplacementFile file = create(unnamed, "busy")) {
      assertErrno(Linux.EISDIR, file::replace);
    }
    assertEquals(List.of("busy"), names());
  }
}
