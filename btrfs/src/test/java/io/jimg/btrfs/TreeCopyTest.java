package io.jimg.btrfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import io.jimg.btrfs.testing.LoopFilesystem;
import io.jimg.btrfs.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TreeCopyTest {
  @RegisterExtension static final LoopFilesystem TMPFS = LoopFilesystem.tmpfs().size(128L << 20);
  @RegisterExtension static final LoopFilesystem EXT4 = LoopFilesystem.ext4().size(128L << 20);
  @RegisterExtension static final LoopFilesystem XFS = LoopFilesystem.xfs().size(320L << 20);
  @RegisterExtension static final LoopFilesystem BTRFS = LoopFilesystem.btrfs();

  private static final byte[] COPY = FileNames.bytes("copy");
  private static final byte[] NON_UTF8_DIRECTORY = {'d', (byte) 0xff, (byte) 0xfe};
  private static final byte[] NON_UTF8_FILE = {'c', 'a', 'f', (byte) 0xe9};

  /** Reading a tree to compare it must not move its access times: only what the copy sets counts. */
  @BeforeAll
  static void noAccessTimeUpdates() {
    for (String tool : List.of("setfacl", "setfattr", "getfattr", "filefrag", "perl", "mknod", "mkfifo", "btrfs")) {
      Requirements.requireTool(tool);
    }
    for (LoopFilesystem fs : List.of(TMPFS, EXT4, XFS, BTRFS)) {
      Commands.run("mount", "-o", "remount,noatime", fs.root().toString());
    }
  }

  private static LoopFilesystem of(LoopFilesystem.Type type) {
    switch (type) {
      case TMPFS:
        return TMPFS;
      case EXT4:
        return EXT4;
      case XFS:
        return XFS;
      case BTRFS:
        return BTRFS;
      default:
        throw new IllegalArgumentException(type.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(value = LoopFilesystem.Type.class, names = {"TMPFS", "EXT4", "XFS", "BTRFS"})
  void copiesEveryKindOfEntryFaithfully(LoopFilesystem.Type type) throws IOException {
    Fixture fixture = fixture(type);
    Path work = of(type).newDirectory("every-kind-");
    List<long[]> reports = new ArrayList<>();

    try (Fd from = Fd.openDirectory(fixture.source()); Fd into = Fd.openDirectory(work)) {
      TreeCopy.copy(from, into, COPY, (bytes, entries) -> reports.add(new long[] {bytes, entries}));
    }

    Path copy = work.resolve("copy");
    assertListingsEqual(fixture.listing(), TreeListing.of(copy));
    assertHolesKept(fixture.source(), copy);
    assertNamesSurvive(copy);
    assertEquals("/etc/hostname", Files.readSymbolicLink(copy.resolve("abs-link")).toString());
    assertEquals(fixture.outside().toString(), Files.readSymbolicLink(copy.resolve("outside-link")).toString());
    assertTrue(Files.isSymbolicLink(copy.resolve("outside-link")), "not followed");
    long entries = Long.parseLong(TreeListing.inside(fixture.source(), "find . | wc -l").trim());
    long[] last = reports.get(reports.size() - 1);
    assertEquals(entries, last[1], "entries reported");
    assertTrue(last[0] >= (1 << 20) + 100_000, "bytes reported: " + last[0]);
    for (int i = 1; i < reports.size(); i++) {
      assertTrue(reports.get(i)[0] >= reports.get(i - 1)[0] && reports.get(i)[1] >= reports.get(i - 1)[1]);
    }
    if (type == LoopFilesystem.Type.XFS || type == LoopFilesystem.Type.BTRFS) {
      // FICLONE: the copy's extents are the source's, shared rather than written again.
      String extents = Commands.run("filefrag", "-v", copy.resolve("dense").toString());
      assertTrue(extents.contains("shared"), extents);
    }
  }

  @Test
  void copiesWithOneOpenDirectoryLevelBeyondTheRoot() throws IOException {
    // Every directory but the deepest and the top is suspended and reopened through "..": the deep-tree path.
    Fixture fixture = fixture(LoopFilesystem.Type.TMPFS);
    Path work = TMPFS.newDirectory("few-levels-");

    try (Fd from = Fd.openDirectory(fixture.source()); Fd into = Fd.openDirectory(work)) {
      TreeCopy.copy(from, into, COPY, CopyProgress.NONE, 1);
    }

    assertListingsEqual(fixture.listing(), TreeListing.of(work.resolve("copy")));
  }

  @Test
  void copiesAcrossFilesystems() throws IOException {
    // tmpfs to ext4: no reflink, and copy_file_range refuses to cross filesystem types, so sendfile moves the data.
    Fixture fixture = fixture(LoopFilesystem.Type.TMPFS);
    Path target = EXT4.newDirectory("across-");

    try (Fd from = Fd.openDirectory(fixture.source()); Fd into = Fd.openDirectory(target)) {
      TreeCopy.copy(from, into, COPY, CopyProgress.NONE);
    }

    assertListingsEqual(fixture.listing(), TreeListing.of(target.resolve("copy")));
    assertHolesKept(fixture.source(), target.resolve("copy"));
  }

  /** A checkpoint is asked between entries; what it throws ends the copy as its declared type, leaving nothing. */
  @Test
  void aCheckpointThatThrowsStopsTheCopyAndLeavesNothing() throws IOException {
    Fixture fixture = fixture(LoopFilesystem.Type.EXT4);
    Path work = EXT4.newDirectory("stopped-");
    int[] asked = {0};
    class Stop extends Exception {
      private static final long serialVersionUID = 1L;
    }
    try (Fd from = Fd.openDirectory(fixture.source()); Fd into = Fd.openDirectory(work)) {
      assertThrows(Stop.class, () -> TreeCopy.copy(from, into, COPY, CopyProgress.NONE, () -> {
        if (++asked[0] == 5) {
          throw new Stop();
        }
      }));
      assertTrue(asked[0] == 5, "asked " + asked[0] + " times");
      try (Fd file = RegularFiles.openOrCreate(into, FileNames.bytes("big"), Linux.O_RDWR, 0600);
          Fd copy = RegularFiles.openOrCreate(into, FileNames.bytes("big-copy"), Linux.O_RDWR, 0600)) {
        file.pwriteFully(new byte[4096], 0, 4096, 0);
        assertThrows(Stop.class, () -> FileCopy.copy(file, copy, CopyProgress.NONE, () -> {
          throw new Stop();
        }));
        assertEquals(0, copy.stat().size(), "stopped before its first block");
      }
    }
    assertEquals(List.of("big", "big-copy"), TreeListing.inside(work, "ls -A").lines().toList());
  }

  @Test
  void aFailedCopyLeavesNothing() throws Exception {
    LoopFilesystem small = LoopFilesystem.tmpfs().size(16L << 20);
    Path source = EXT4.newDirectory("too-big-");
    Commands.run("bash", "-c", "cd \"$1\" && mkdir -p a/b && echo x > a/b/c && ln -s c a/link"
        + " && head -c 24M /dev/urandom > a/big && mkfifo a/fifo", "bash", source.toString());
    try {
      small.beforeAll(null);
      NativeException e;
      try (Fd from = Fd.openDirectory(source); Fd into = Fd.openDirectory(small.root())) {
        e = assertThrows(NativeException.class, () -> TreeCopy.copy(from, into, COPY, CopyProgress.NONE));
      }
      assertEquals("ENOSPC", e.errnoName(), e.getMessage());
      assertTrue(e.getMessage().contains("big"), e.getMessage());
      assertFalse(Files.exists(small.root().resolve("copy"), LinkOption.NOFOLLOW_LINKS));
      assertEquals("", TreeListing.inside(small.root(), "ls -A"));
    } finally {
      small.afterAll(null);
    }
  }

  @Test
  void doesNotDescendIntoAMount() throws IOException {
    Path source = EXT4.newDirectory("mounted-");
    Files.createDirectory(source.resolve("mnt"));
    Files.writeString(source.resolve("beside"), "kept");
    Files.writeString(source.resolve("bound"), "");
    Path secret = Files.writeString(source.resolveSibling(source.getFileName() + "-secret"), "host data");
    Commands.run("mount", "-t", "tmpfs", "-o", "size=1m,mode=0751,uid=123,gid=456", "tmpfs",
        source.resolve("mnt").toString());
    Commands.run("mount", "--bind", secret.toString(), source.resolve("bound").toString());
    try {
      Files.writeString(source.resolve("mnt/inside"), "not copied");
      try (Fd from = Fd.openDirectory(source); Fd into = Fd.openDirectory(source.getParent())) {
        TreeCopy.copy(from, into, FileNames.bytes(source.getFileName() + "-copy"), CopyProgress.NONE);
      }
    } finally {
      Commands.run("umount", source.resolve("bound").toString());
      Commands.run("umount", source.resolve("mnt").toString());
    }
    Path copy = source.resolveSibling(source.getFileName() + "-copy");
    assertEquals("kept", Files.readString(copy.resolve("beside")));
    assertEquals("", TreeListing.inside(copy.resolve("mnt"), "ls -A"), "the mount point's copy is empty");
    assertEquals("41e9 123 456", TreeListing.inside(copy, "stat -c '%f %u %g' mnt").trim(),
        "the mount point's copy has the mounted root's owner and mode");
    assertEquals("", Files.readString(copy.resolve("bound")), "a file mounted over a file is not read");
  }

  @Test
  void copiesAndRemovesATreeDeeperThanPathMax() throws IOException {
    Path work = TMPFS.newDirectory("deep-");
    Path source = Files.createDirectory(work.resolve("source"));
    SourceTrees.buildDeep(source, 300);
    String before = TreeListing.inside(source, "find . -printf '%d %y %n %s\\n' | sort");

    long[] mostDescriptors = {0};
    long descriptorsBefore = openDescriptors();
    try (Fd from = Fd.openDirectory(source); Fd into = Fd.openDirectory(work)) {
      TreeCopy.copy(from, into, COPY, (bytes, entries) -> {
        if (entries % 10 == 0) {
          mostDescriptors[0] = Math.max(mostDescriptors[0], openDescriptors());
        }
      }, 8);
    }
    // Two per open level (source and copy): the top, eight deepest, one being entered; this test's own two and the
    // listing of /proc/self/fd. Never one per level of the 300.
    assertTrue(mostDescriptors[0] - descriptorsBefore <= 2 * 10 + 2 + 1, "descriptors: " + mostDescriptors[0] + " from " + descriptorsBefore);

    Path copy = work.resolve("copy");
    assertEquals(before, TreeListing.inside(copy, "find . -printf '%d %y %n %s\\n' | sort"));
    assertEquals("deep", TreeListing.inside(copy, "find . -name leaf -execdir cat {} +"));
    assertEquals(TreeListing.inside(copy, "stat -c %i top").trim(),
        TreeListing.inside(copy, "find . -name top-link -printf %i"), "the deep hard link joins the top file");
    try (Fd directory = Fd.openDirectory(work)) {
      Trees.remove(directory, COPY, 8);
      Trees.remove(directory, FileNames.bytes("source"));
    }
    assertEquals("", TreeListing.inside(work, "ls -A"));
  }

  @Test
  void linksLaterNamesToFirstCopiesWhoseDirectoriesAreDone() throws IOException {
    // tmpfs lists the newest name first, so deep/ is copied, and closed, before the names linked into it.
    Path work = TMPFS.newDirectory("later-links-");
    Path source = Files.createDirectory(work.resolve("source"));
    TreeListing.inside(source, "mkdir staging && echo one > staging/one && echo two > staging/two"
        + " && ln staging/one later-one && ln -s target staging/link && ln staging/link later-link"
        + " && ln staging/two later-two && mkdir -p deep/a/b && mv staging/one staging/two staging/link deep/a/b/"
        + " && rmdir staging && ln deep/a/b/two deep/a/two-again");
    assertEquals("deep", TreeListing.inside(source, "ls -U | head -1").trim(), "the order this test relies on");
    TreeListing before = TreeListing.of(source);

    try (Fd from = Fd.openDirectory(source); Fd into = Fd.openDirectory(work)) {
      TreeCopy.copy(from, into, COPY, CopyProgress.NONE);
    }

    assertListingsEqual(before, TreeListing.of(work.resolve("copy")), false);
  }

  @Test
  void refusesAnExistingTargetAndLeavesIt() throws IOException {
    Path work = TMPFS.newDirectory("exists-");
    Path source = Files.createDirectory(work.resolve("source"));
    Files.writeString(Files.createDirectory(work.resolve("copy")).resolve("mine"), "mine");
    try (Fd from = Fd.openDirectory(source); Fd into = Fd.openDirectory(work)) {
      NativeException e = assertThrows(NativeException.class,
          () -> TreeCopy.copy(from, into, COPY, CopyProgress.NONE));
      assertEquals("EEXIST", e.errnoName());
    }
    assertEquals("mine", Files.readString(work.resolve("copy/mine")));
  }

  @Test
  void refusesASourceThatIsNoDirectory() throws IOException {
    Path work = TMPFS.newDirectory("not-a-directory-");
    Files.writeString(work.resolve("file"), "x");
    try (Fd file = Fd.open(work.resolve("file"), Linux.O_RDONLY); Fd into = Fd.openDirectory(work)) {
      NativeException e = assertThrows(NativeException.class,
          () -> TreeCopy.copy(file, into, COPY, CopyProgress.NONE));
      assertEquals("ENOTDIR", e.errnoName());
    }
    assertFalse(Files.exists(work.resolve("copy")));
  }

  @Test
  void refusesToCopyIntoItself() throws IOException {
    Path source = TMPFS.newDirectory("itself-");
    Files.createDirectories(source.resolve("a/b"));
    try (Fd from = Fd.openDirectory(source)) {
      NativeException e = assertThrows(NativeException.class,
          () -> TreeCopy.copy(from, from, COPY, CopyProgress.NONE));
      assertEquals("EINVAL", e.errnoName());
    }
    assertFalse(Files.exists(source.resolve("copy")));
  }

  @Test
  void readsTheUmaskTheKernelApplies() {
    // Copies skip a chmod where the umask cannot have spoilt a mode: the umask read must be the real one.
    assertEquals(Integer.parseInt(Commands.run("bash", "-c", "umask").trim(), 8), TreeCopy.umask());
  }

  /** A source with every kind of entry, and what the tools list of it; made once per filesystem, never changed. */
  private record Fixture(Path source, Path outside, TreeListing listing) {}

  private static final Map<LoopFilesystem.Type, Fixture> FIXTURES = new EnumMap<>(LoopFilesystem.Type.class);

  private static Fixture fixture(LoopFilesystem.Type type) throws IOException {
    Fixture fixture = FIXTURES.get(type);
    if (fixture == null) {
      Path work = of(type).newDirectory("fixture-");
      Path source = work.resolve("source");
      Path outside;
      if (type == LoopFilesystem.Type.TMPFS) {
        outside = Files.createDirectory(work.resolve("outside"));
        Files.writeString(outside.resolve("not-copied"), "outside");
        SourceTrees.buildEveryKind(Files.createDirectory(source), outside);
      } else {
        // The same tree again, by cp -a, which is quicker than making it anew; what it lists here is what counts.
        Fixture made = fixture(LoopFilesystem.Type.TMPFS);
        outside = made.outside();
        Commands.run("cp", "-a", "--reflink=never", made.source().toString(), source.toString());
      }
      if (type == LoopFilesystem.Type.BTRFS) {
        // Nested subvolumes are copied as directories. Their first files have the same inode number (257) on
        // different devices: hard links must be grouped by device and inode, not by inode alone.
        TreeListing.inside(source, "for v in vol-a vol-b; do btrfs -q subvolume create $v && echo $v > $v/first"
            + " && ln $v/first $v/second; done");
      }
      fixture = new Fixture(source, outside, TreeListing.of(source));
      FIXTURES.put(type, fixture);
    }
    return fixture;
  }

  private static long openDescriptors() {
    try (var descriptors = Files.list(Path.of("/proc/self/fd"))) {
      return descriptors.count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void assertListingsEqual(TreeListing expected, TreeListing actual) {
    assertListingsEqual(expected, actual, true);
  }

  private static void assertListingsEqual(TreeListing expected, TreeListing actual, boolean everyKind) {
    assertEquals(expected.stats(), actual.stats(), "stat");
    assertEquals(expected.xattrs(), actual.xattrs(), "getfattr");
    assertEquals(expected.hardlinks(), actual.hardlinks(), "hard link groups");
    assertEquals(expected.contents(), actual.contents(), "sha256sum");
    if (!everyKind) {
      return;
    }
    assertTrue(expected.xattrs().contains("security.capability=" + SourceTrees.CAPABILITY), expected.xattrs());
    assertTrue(expected.stats().contains("./dense 81a4 4000000000 3000000000 1048576"), expected.stats());
  }

  private static void assertHolesKept(Path source, Path copy) {
    for (String name : List.of("sparse", "all-hole")) {
      long[] original = TreeListing.usage(source.resolve(name));
      long[] copied = TreeListing.usage(copy.resolve(name));
      assertEquals(original[1], copied[1], name + " apparent size");
      assertTrue(copied[0] < copied[1] / 8, name + " allocates " + copied[0] + " of " + copied[1]);
      assertTrue(copied[0] <= original[0] + (64 << 10), name + " allocates " + copied[0] + ", source " + original[0]);
    }
  }

  private static void assertNamesSurvive(Path copy) throws NativeException {
    try (Fd root = Fd.openDirectory(copy); Fd directory = root.openDirectory(NON_UTF8_DIRECTORY)) {
      Stat stat = directory.stat(NON_UTF8_FILE);
      assertNotNull(stat);
      assertEquals(100_000, stat.size());
      assertNull(root.statIfExists(FileNames.bytes(FileNames.show(NON_UTF8_DIRECTORY))));
      assertArrayEquals(NON_UTF8_FILE, directory.list().stream()
          .filter(e -> e.name().length == 4).findFirst().orElseThrow().name());
    }
  }
}
