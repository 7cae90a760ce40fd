package io.jimg.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pool that a user other than root could change (its own, or one writable by others, or one below a directory
 * others can write in without the sticky bit, or reached through another user's symlink) is refused before root
 * lists, creates, locks or sweeps anything in it: that user could otherwise swap the names root acts on.
 */
class PoolsOtherUsersCanChangeTest {
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs();

  private static final String NOBODY = "65534";

  Path base;
  Path pool;

  @BeforeEach
  void setUp() throws IOException {
    base = Files.createTempDirectory(TMPFS.root(), "unsafe-");
    pool = Files.createDirectory(base.resolve("machines"));
    Files.createDirectory(pool.resolve("debian"));
  }

  @AfterEach
  void tearDown() {
    Commands.run("rm", "-rf", base.toString());
  }

  private ImageStore store(Path imageRoot) throws IOException {
    return ImageStore.builder().imageRoot(imageRoot).settingsDirectory(Files.createDirectories(base.resolve("nspawn")))
        .lockDirectory(base.resolve("locks")).build();
  }

  /** Every kind of command is refused with {@code problem}, and the pool holds what it held before. */
  private void assertRefused(Path imageRoot, String problem) throws IOException {
    ImageStore store = store(imageRoot);
    List<JimgException> refusals = List.of(
        assertThrows(JimgException.class, () -> store.list(true)),
        assertThrows(JimgException.class, () -> store.show("debian")),
        assertThrows(JimgException.class, () -> store.remove(List.of("debian"))),
        assertThrows(JimgException.class, () -> store.createTree("new", CreateOptions.DEFAULT, Pools.tree("new"))));
    for (JimgException refusal : refusals) {
      assertEquals(JimgException.Reason.FAILED, refusal.reason());
      assertEquals("refusing to work in " + imageRoot + ": " + problem
          + " (another user could change what root works on there)", refusal.getMessage());
    }
    assertEquals(List.of("debian"), Pools.names(pool));
    assertEquals(List.of(), Pools.names(pool.resolve("debian")));
  }

  @Test
  void aPoolOwnedByAnotherUserIsRefused() throws IOException {
    Commands.run("chown", NOBODY + ":" + NOBODY, pool.toString());
    assertRefused(pool, "it is owned by uid 65534, not by root");
  }

  @Test
  void aPoolWritableByOthersIsRefused() throws IOException {
    Commands.run("chmod", "0777", pool.toString());
    assertRefused(pool, "it is writable by group and others (mode 0777)");
  }

  @Test
  void aStickyPoolWritableByTheGroupIsRefusedToo() throws IOException {
    Commands.run("chmod", "1770", pool.toString());
    assertRefused(pool, "it is writable by group (mode 01770)");
  }

  @Test
  void aPoolBelowADirectoryOthersCanWriteWithoutTheStickyBitIsRefused() throws IOException {
    Commands.run("chmod", "0777", base.toString());
    assertRefused(pool, base + " is writable by group and others and not sticky (mode 0777)");
  }

  @Test
  void aPoolBelowADirectoryOfAnotherUserIsRefused() throws IOException {
    Commands.run("chown", NOBODY, base.toString());
    assertRefused(pool, base + " is owned by uid 65534, not by root");
  }

  @Test
  void aPoolReachedThroughAnotherUsersSymlinkIsRefused() throws IOException {
    Path shared = Files.createDirectory(base.resolve("shared"));
    Commands.run("chmod", "1777", shared.toString()); // as /tmp: anyone may add a name there
    Path link = Files.createSymbolicLink(shared.resolve("pool"), pool);
    Commands.run("chown", "-h", NOBODY, link.toString());
    assertRefused(link, "it is a symbolic link owned by uid 65534, not by root");
  }

  @Test
  void aPoolBelowAStickyDirectoryAndThroughRootsSymlinkIsUsed() throws IOException {
    Path shared = Files.createDirectory(base.resolve("shared"));
    Commands.run("chmod", "1777", shared.toString());
    Path link = Files.createSymbolicLink(shared.resolve("pool"), Path.of("../machines"));
    ImageStore store = store(link);

    store.createTree("new", CreateOptions.DEFAULT, Pools.tree("new"));

    assertEquals(List.of("debian", "new"), store.list(true).stream().map(Image::name).sorted().toList());
    assertEquals("new", store.show("new").osRelease().get("ID"));
  }

  @Test
  void aMissingPoolIsMadeRootsAndPrivate() throws IOException {
    Path made = base.resolve("made/machines");
    store(made).createTree("new", CreateOptions.DEFAULT, Pools.tree("new"));

    assertEquals("root 700", Commands.run("stat", "-c", "%U %a", made.toString()).trim());
    assertEquals("root 755", Commands.run("stat", "-c", "%U %a", made.getParent().toString()).trim());
  }
}
